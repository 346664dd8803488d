package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, test 4: the shaded job jar submitted the way users submit it, with Flink's own
 * {@code flink run} front end (CliFrontend, in a separate JVM) against a running cluster. Options
 * after the jar reach main(): {@code --help} prints every option and exits 0, an invalid option is
 * reported and exits non-zero, and in neither case does a job reach the cluster. A valid command
 * line does submit a job, which shows the check would have caught one.
 */
class JobCommandLineITCase {

    /**
     * This cluster runs inside the test JVM, whose class path has the Kafka connector and clients (a
     * real cluster's has neither). The connector's classes load parent-first as org.apache.flink
     * classes; the Kafka clients must then come from the same place, not from the submitted jar.
     */
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
            .setConfiguration(Configuration.fromMap(Map.of("classloader.parent-first-patterns.additional", "org.apache.kafka.")))
            .build());

    static final Path JAR = Path.of(System.getProperty("mobilenet.job.jar"));

    /** What bin/flink passes on Java 17 (flink-dist's env.java.opts.all), trimmed to what the client touches. */
    static final List<String> JAVA_17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    record Run(int exit, String out, String err) {}

    @Test
    void helpPrintsEveryOptionAndStartsNoJob(@InjectClusterClient ClusterClient<?> cluster, @TempDir Path dir) throws Exception {
        List<JobStatusMessage> before = jobs(cluster);
        Run run = flinkRun(cluster, dir, JAR.toString(), "--help");

        assertEquals(0, run.exit(), run.err());
        for (Option option : JobOptions.OPTIONS) {
            assertTrue(run.out().contains("--" + option.name()), "--help lists --" + option.name() + "\n" + run.out());
        }
        assertEquals(List.of(), newJobs(cluster, before), "--help must not start a job");
    }

    @Test
    void anInvalidOptionIsReportedAndStartsNoJob(@InjectClusterClient ClusterClient<?> cluster, @TempDir Path dir) throws Exception {
        List<JobStatusMessage> before = jobs(cluster);
        Run unknown = flinkRun(cluster, dir, JAR.toString(), "--bootstrap-servers", "localhost:9092", "--batch-szie", "8");
        assertNotEquals(0, unknown.exit());
        assertTrue(unknown.err().contains("unknown option --batch-szie"), unknown.err());

        Run badTimeout = flinkRun(cluster, dir, JAR.toString(), "--bootstrap-servers", "localhost:9092",
                "--model", TestFrames.FLAGSHIP, "--delivery", "exactly-once", "--transaction-timeout-ms", "3600000");
        assertNotEquals(0, badTimeout.exit());
        assertTrue(badTimeout.err().contains("transaction.max.timeout.ms"), badTimeout.err());

        assertEquals(List.of(), newJobs(cluster, before), "an invalid command line must not start a job");
    }

    @Test
    void aValidCommandLineSubmitsTheJob(@InjectClusterClient ClusterClient<?> cluster, @TempDir Path dir) throws Exception {
        // Detached: flink run returns once the job is submitted. No broker listens on port 9; the job
        // only has to reach the cluster, which proves the jar (manifest, bundled connector) is accepted.
        List<JobStatusMessage> before = jobs(cluster);
        Run run = flinkRun(cluster, dir, "-d", JAR.toString(), "--bootstrap-servers", "localhost:9",
                "--model", TestFrames.FLAGSHIP, "--warmup-ms", "0", "--job-name", "submitted-by-flink-run");
        assertEquals(0, run.exit(), run.out() + run.err());
        List<JobStatusMessage> jobs = newJobs(cluster, before);
        assertEquals(List.of("submitted-by-flink-run"), jobs.stream().map(JobStatusMessage::getJobName).toList());
        for (JobID id : jobs.stream().map(JobStatusMessage::getJobId).toList()) {
            cluster.cancel(id).get();
        }
    }

    /** Every job the cluster knows, running or ended. */
    static List<JobStatusMessage> jobs(ClusterClient<?> cluster) throws Exception {
        Collection<JobStatusMessage> all = cluster.listJobs().get();
        return new ArrayList<>(all);
    }

    /** The jobs that were not there {@code before}: what a command submitted. */
    static List<JobStatusMessage> newJobs(ClusterClient<?> cluster, List<JobStatusMessage> before) throws Exception {
        Set<JobID> old = before.stream().map(JobStatusMessage::getJobId).collect(Collectors.toSet());
        return jobs(cluster).stream().filter(j -> !old.contains(j.getJobId())).toList();
    }

    /** Runs {@code flink run ARGS} in a new JVM against the test cluster, as bin/flink would. */
    static Run flinkRun(ClusterClient<?> cluster, Path dir, String... args) throws Exception {
        URI rest = URI.create(cluster.getWebInterfaceURL());
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.yaml"), "rest:\n  address: " + rest.getHost() + "\n  port: " + rest.getPort() + "\n");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JAVA_17_OPENS);
        command.addAll(List.of(
                "-Dlog4j2.configurationFile=" + Path.of(JobCommandLineITCase.class.getResource("/log4j2-test.properties").toURI()),
                "-cp", flinkClasspath(), "org.apache.flink.client.cli.CliFrontend", "run"));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        pb.environment().put("FLINK_PLUGINS_DIR", plugins.toString());
        Process p = pb.start();
        if (!p.waitFor(TestKafka.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("flink run did not end: " + command);
        }
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    /**
     * The test class path made to look like a Flink installation's: without this project's classes and
     * without the Kafka connector and clients, which the jar brings. (With the connector on both, the
     * parent-first org.apache.flink classes would meet the jar's child-first Kafka classes: a
     * LinkageError, as on a cluster that has the connector in lib/.)
     */
    private static String flinkClasspath() {
        String root = TestFrames.ROOT.toAbsolutePath().normalize().toString();
        return Arrays.stream(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                        .split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
                .filter(entry -> !entry.startsWith(root))
                .filter(entry -> !entry.contains("/org/apache/kafka/") && !entry.contains("/flink-connector-kafka/"))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
