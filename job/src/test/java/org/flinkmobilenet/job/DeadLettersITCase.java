package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.flinkmobilenet.job.TestFrames.Picture;
import org.flinkmobilenet.operators.MobileNetMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5, test 2: good frames mixed with bad frames of every kind. Each bad one lands in the
 * dead-letter topic with its original key, value and headers and its reason; the job keeps running
 * (the cluster has no restart strategy, so any exception would fail it); and frames in = labels out
 * + dead letters out, both in the topics and in the job's own metrics as Prometheus scrapes them.
 */
class DeadLettersITCase {

    static final Prometheus PROMETHEUS = new Prometheus();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(clusterConfig()).build());

    static TestKafka kafka;

    static Configuration clusterConfig() {
        Map<String, String> c = new LinkedHashMap<>(PROMETHEUS.reporterConfig());
        c.put("restart-strategy.type", "none");
        return Configuration.fromMap(c);
    }

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start();
        kafka.createTopics(Map.of("frames", 3, "labels", 2, "frames-dlq", 2));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    /** A frame the test sends, with the reason it must be refused for (null: a good frame). */
    record Sent(String name, ProducerRecord<byte[], byte[]> record, String reason) {}

    @Test
    void badFramesGoToTheDeadLetterTopicWithTheirReasonAndTheJobRunsOn() throws Exception {
        long now = System.currentTimeMillis();
        List<String> cameras = TestFrames.cameras(3);
        String gate = cameras.get(0), dock = cameras.get(1), lobby = cameras.get(2);
        byte[] burger = Files.readAllBytes(TestFrames.IMAGES.resolve("tflite-support_burger.jpg"));
        Picture parrot = TestFrames.jpeg("coral_parrot.jpg", 89);
        Picture cat = TestFrames.png("coral_cat.bmp", 286);
        List<Sent> sent = new ArrayList<>();
        sent.add(good(gate, 0, now, parrot));
        sent.add(bad("corrupt", gate, frame(gate, 1, now, "image/jpeg"), "not a picture at all".getBytes(), "corrupt"));
        sent.add(bad("truncated", dock, frame(dock, 0, now, "image/jpeg"), Arrays.copyOf(burger, burger.length / 2), "corrupt"));
        sent.add(good(dock, 1, now, cat));
        sent.add(bad("unsupported", lobby, frame(lobby, 0, now, "image/gif"), TestFrames.encoded(8, 8, "gif"),
                "unsupported-format"));
        sent.add(bad("too-large", lobby, frame(lobby, 1, now, "image/png"), TestFrames.encoded(17_000, 1, "png"),
                "too-large"));
        sent.add(good(lobby, 2, now, parrot));
        sent.add(bad("raw-without-height", gate, List.of(h("camera-id", gate), h("frame-seq", "2"),
                h("capture-ts", Long.toString(now)), h("content-type", "application/x-rgb24"), h("width", "224")),
                new byte[224 * 224 * 3], "missing-header"));
        sent.add(bad("no-camera-id", null, List.of(h("frame-seq", "9"), h("capture-ts", Long.toString(now)),
                h("content-type", "image/jpeg")), burger, "missing-header"));
        sent.add(bad("stale", dock, frame(dock, 2, now - 3_600_000, "image/jpeg"), burger, "stale"));
        sent.add(bad("unreadable-capture-ts", dock, List.of(h("camera-id", dock), h("frame-seq", "3"),
                h("capture-ts", "noon"), h("content-type", "image/jpeg")), burger, "bad-header"));
        sent.add(good(gate, 3, now, cat));
        sent.add(good(dock, 4, now, parrot));
        sent.add(good(lobby, 3, now, cat));
        kafka.produce(sent.stream().map(Sent::record).toList());
        List<Sent> goodFrames = sent.stream().filter(s -> s.reason() == null).toList();
        List<Sent> badFrames = sent.stream().filter(s -> s.reason() != null).toList();

        JobOptions options = JobOptions.parse(new String[] {
                "--bootstrap-servers", kafka.bootstrap(), "--starting-offsets", "earliest", "--model", TestFrames.FLAGSHIP,
                "--max-frame-age-ms", "600000", "--batch-size", "3", "--batch-timeout-ms", "30",
                "--checkpoint-interval-ms", "1000", "--warmup-ms", "1000"}, TestFrames.ROOT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MobileNetPipeline.configure(env, options);
        MobileNetPipeline.build(env, options, KafkaIO.frameSource(options), KafkaIO.labelSink(options),
                KafkaIO.deadLetterSink(options));
        JobClient job = env.executeAsync("dead-letters-itcase");

        List<ConsumerRecord<byte[], byte[]>> labels = kafka.readUntil("labels", false, r -> r.size() >= goodFrames.size());
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readUntil("frames-dlq", false, r -> r.size() >= badFrames.size());

        assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "bad frames must not fail the job");
        assertEquals(sent.size(), labels.size() + dead.size(), "frames in = labels out + dead letters out");
        assertEquals(goodFrames.stream().map(Sent::name).collect(Collectors.toSet()),
                Labels.parse(labels).stream().map(l -> l.camera() + "-" + l.seq()).collect(Collectors.toSet()));

        Map<String, ConsumerRecord<byte[], byte[]>> byCase = dead.stream()
                .collect(Collectors.toMap(r -> TestFrames.text(r.headers().lastHeader("test-case").value()), r -> r));
        for (Sent s : badFrames) {
            ConsumerRecord<byte[], byte[]> d = byCase.get(s.name());
            assertNotNull(d, s.name() + " is missing from the dead-letter topic");
            assertEquals(s.reason(), TestFrames.text(d.headers().lastHeader("error-class").value()), s.name());
            assertFalse(TestFrames.text(d.headers().lastHeader("error").value()).isBlank(), s.name());
            assertArrayEquals(s.record().key(), d.key(), s.name() + ": original key");
            assertArrayEquals(s.record().value(), d.value(), s.name() + ": original value");
            List<Header> original = Arrays.asList(s.record().headers().toArray());
            List<Header> received = Arrays.asList(d.headers().toArray());
            assertEquals(original, received.subList(0, original.size()), s.name() + ": original headers first");
            assertEquals(List.of("error", "error-class"), received.subList(original.size(), received.size()).stream()
                    .map(Header::key).toList(), s.name() + ": then the two error headers");
        }

        assertMetrics(sent.size(), goodFrames.size(), badFrames);
        assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
        job.cancel().get();
    }

    /** The same invariant from the job's own counters, as Prometheus sees them. */
    private static void assertMetrics(int in, int labelsOut, List<Sent> badFrames) throws Exception {
        String prefix = "flink_taskmanager_job_task_operator_" + MobileNetMetrics.GROUP + "_";
        String scraped = PROMETHEUS.scrape();
        String all = Prometheus.lines(scraped, prefix);
        assertEquals(in, Prometheus.sum(scraped, prefix + MobileNetMetrics.FRAMES_IN, List.of()), all);
        assertEquals(labelsOut, Prometheus.sum(scraped, prefix + MobileNetMetrics.LABELS_OUT, List.of()), all);
        String deadLetters = prefix + MobileNetMetrics.REASON + "_" + MobileNetMetrics.DEAD_LETTERS;
        assertEquals(badFrames.size(), Prometheus.sum(scraped, deadLetters, List.of()), all);
        Map<String, Long> byReason = badFrames.stream().collect(Collectors.groupingBy(Sent::reason, Collectors.counting()));
        for (Map.Entry<String, Long> e : byReason.entrySet()) {
            // The reporter turns characters Prometheus does not allow in label values into '_': too-large -> too_large.
            String label = "reason=\"" + e.getKey().replace('-', '_') + "\"";
            assertEquals((double) e.getValue(), Prometheus.sum(scraped, deadLetters, List.of(label)),
                    e.getKey() + "\n" + all);
        }
        for (String histogram : List.of(MobileNetMetrics.INFERENCE_LATENCY, MobileNetMetrics.END_TO_END_LATENCY,
                MobileNetMetrics.BATCH_SIZE)) {
            assertTrue(Prometheus.sum(scraped, prefix + histogram + "_count", List.of()) > 0, histogram + "\n" + all);
        }
        for (String gauge : List.of(MobileNetMetrics.WARM_UP_TIME, MobileNetMetrics.MODEL_LOAD_TIME)) {
            assertTrue(Prometheus.sum(scraped, prefix + gauge, List.of()) > 0, gauge + "\n" + all);
        }
    }

    private static Sent good(String camera, long seq, long now, Picture p) {
        String name = camera + "-" + seq;
        ProducerRecord<byte[], byte[]> r = TestFrames.record("frames", camera, seq, now, p);
        r.headers().add("test-case", TestFrames.utf8(name));
        return new Sent(name, r, null);
    }

    private static Sent bad(String name, String key, List<String[]> headers, byte[] value, String reason) {
        List<String[]> all = new ArrayList<>(headers);
        all.add(h("test-case", name));
        return new Sent(name, TestFrames.record("frames", key, value, all), reason);
    }

    private static List<String[]> frame(String camera, long seq, long captureTs, String contentType) {
        return List.of(h("camera-id", camera), h("frame-seq", Long.toString(seq)), h("capture-ts", Long.toString(captureTs)),
                h("content-type", contentType));
    }

    private static String[] h(String name, String value) {
        return new String[] {name, value};
    }
}
