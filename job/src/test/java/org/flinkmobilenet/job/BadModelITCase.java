package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.flinkmobilenet.job.JobCommandLineITCase.Run;
import org.flinkmobilenet.operators.ModelUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8, item 4: a model that cannot be loaded when the job starts (missing, corrupt, or not an RGB
 * classifier) fails the job once, with a message naming the file and what is wrong, even on a cluster
 * whose restart strategy would otherwise retry it a million times. And the same model given to
 * {@code flink run} with the default {@code --model-check} is refused before any job is submitted.
 *
 * <p>No broker is needed: the classify operator opens before the source has read anything, and
 * nothing listens on the bootstrap address.
 */
class BadModelITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
            .setConfiguration(Configuration.fromMap(Map.of(
                    "restart-strategy.type", "fixed-delay",
                    "restart-strategy.fixed-delay.attempts", "1000000",
                    "restart-strategy.fixed-delay.delay", "100 ms",
                    // as in JobCommandLineITCase: this cluster's class path has the Kafka clients
                    "classloader.parent-first-patterns.additional", "org.apache.kafka.")))
            .build());

    static final Path EXTRACTOR = TestFrames.ROOT.resolve("models/mobilenet_v1/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite");
    static final Path HEAD = TestFrames.ROOT.resolve("models/mobilenet_v1/mobilenet_quant_v1_224_head_layers.tflite");

    /** A bad model of each kind, and what its message must say. */
    record Bad(String model, String says) {}

    static Bad bad(String kind, Path dir) throws Exception {
        return switch (kind) {
            case "missing" -> new Bad(dir.resolve("no-such-model.tflite").toString(), "no such model file");
            case "corrupt" -> {
                Path truncated = dir.resolve("truncated.tflite");
                Files.write(truncated, Arrays.copyOf(Files.readAllBytes(EXTRACTOR), 100_000));
                yield new Bad(truncated.toString(), "truncated or corrupt");
            }
            // The head of the flagship alone: its input is a 1024-channel feature map, not a picture.
            case "wrong-shape" -> new Bad(HEAD.toString(), "an RGB classifier needs 3");
            // The two files chained the wrong way round.
            case "wrong-chain" -> new Bad(HEAD + "," + EXTRACTOR, "cannot chain");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"missing", "corrupt", "wrong-shape", "wrong-chain"})
    void aModelThatCannotBeLoadedFailsTheJobOnceWithoutRestarts(String kind, @TempDir Path dir,
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        Bad bad = bad(kind, dir);
        JobOptions options = JobOptions.parse(new String[] {"--bootstrap-servers", "localhost:9", "--model", bad.model(),
                "--model-check", "false", "--warmup-ms", "0", "--parallelism", "2"}, TestFrames.ROOT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MobileNetPipeline.configure(env, options);
        MobileNetPipeline.build(env, options, KafkaIO.frameSource(options), KafkaIO.labelSink(options),
                KafkaIO.deadLetterSink(options));
        JobClient job = env.executeAsync("bad-model-" + kind);

        // Without the suppression this would never end: the restart strategy allows a million attempts.
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> job.getJobExecutionResult().get(TestKafka.PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(JobStatus.FAILED, job.getJobStatus().get());
        assertTrue(ExceptionUtils.findThrowable(failed, SuppressRestartsException.class).isPresent(),
                ExceptionUtils.stringifyException(failed));
        String message = ExceptionUtils.findThrowable(failed, ModelUnavailableException.class)
                .map(Throwable::getMessage).orElse(ExceptionUtils.stringifyException(failed));
        assertTrue(message.contains(bad.says()) && message.contains(Path.of(bad.model().split(",")[0]).getFileName().toString()),
                message);

        // What the JobManager recorded (its web UI and REST API show the same): one failure, no restart.
        JsonNode exceptions = rest(cluster, "/jobs/" + job.getJobID() + "/exceptions");
        JsonNode history = exceptions.get("exceptionHistory").get("entries");
        assertEquals(1, history.size(), "failures recorded: " + exceptions.toPrettyString());
        assertTrue(history.get(0).get("stacktrace").asText().contains(bad.says()), history.get(0).toPrettyString());
        JsonNode classify = rest(cluster, "/jobs/" + job.getJobID() + "/vertices/" + classifyVertex(cluster, job.getJobID()));
        for (JsonNode subtask : classify.get("subtasks")) {
            assertEquals(0, subtask.get("attempt").asInt(), "classify subtasks ran once: " + classify.toPrettyString());
        }
    }

    @Test
    void flinkRunReportsTheModelAndTheJobFailsOnce(@InjectClusterClient ClusterClient<?> cluster, @TempDir Path dir)
            throws Exception {
        // --model-check=false: the files are only checked on the TaskManagers. Attached, flink run waits for
        // the job's end and reports its failure.
        Bad bad = bad("corrupt", dir);
        List<JobStatusMessage> before = JobCommandLineITCase.jobs(cluster);
        Run run = JobCommandLineITCase.flinkRun(cluster, dir, JobCommandLineITCase.JAR.toString(),
                "--bootstrap-servers", "localhost:9", "--model", bad.model(), "--model-check=false", "--warmup-ms", "0",
                "--job-name", "bad-model-flink-run");
        assertNotEquals(0, run.exit(), run.out() + run.err());
        String output = run.out() + run.err();
        assertTrue(output.contains("cannot be loaded, so the job stops without restarting") && output.contains("truncated.tflite")
                && output.contains(bad.says()), output);
        List<JobStatusMessage> jobs = JobCommandLineITCase.newJobs(cluster, before);
        assertEquals(1, jobs.size(), jobs.toString());
        assertEquals(JobStatus.FAILED, jobs.get(0).getJobState());
    }

    @ParameterizedTest
    @ValueSource(strings = {"missing", "corrupt", "wrong-shape", "wrong-chain"})
    void withTheDefaultModelCheckNoJobIsSubmitted(String kind, @InjectClusterClient ClusterClient<?> cluster,
            @TempDir Path dir) throws Exception {
        Bad bad = bad(kind, dir);
        List<JobStatusMessage> before = JobCommandLineITCase.jobs(cluster);
        Run run = JobCommandLineITCase.flinkRun(cluster, dir, JobCommandLineITCase.JAR.toString(),
                "--bootstrap-servers", "localhost:9", "--model", bad.model());
        assertNotEquals(0, run.exit(), run.out() + run.err());
        String says = kind.equals("missing") ? "does not exist here" : bad.says();
        assertTrue(run.err().contains(says), run.err());
        assertEquals(List.of(), JobCommandLineITCase.newJobs(cluster, before), "a bad model must not start a job");
    }

    private static JsonNode rest(ClusterClient<?> cluster, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(cluster.getWebInterfaceURL() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    private static String classifyVertex(ClusterClient<?> cluster, JobID job) throws Exception {
        for (JsonNode v : rest(cluster, "/jobs/" + job).get("vertices")) {
            if (v.get("name").asText().contains("classify")) {
                return v.get("id").asText();
            }
        }
        throw new AssertionError("no classify vertex in job " + job);
    }
}
