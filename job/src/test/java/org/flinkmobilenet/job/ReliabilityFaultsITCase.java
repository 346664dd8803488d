package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8, item 2, the short version CI runs: {@code deploy/reliability/faults.sh --short} on real
 * processes (a Kafka broker, a JobManager, two TaskManagers, the job submitted with flink run, the
 * camera simulator): one TaskManager killed with SIGKILL mid-stream and started again, then the broker
 * stopped and started again. The script's own check (FaultCheck) must pass: every frame the cameras got
 * into Kafka has its label, exactly once for a read_committed consumer with exactly-once; the job was
 * restarted by its restart strategy after the kill; every port the broker, JobManager and TaskManagers
 * listen on (the Prometheus reporters' included) is bound to localhost; and no process the run started is left.
 *
 * <p>CI runs exactly-once (the stricter check). {@code -Dreliability.faults.delivery=at-least-once,exactly-once}
 * runs both; the full-length experiments of the README are run with the script itself.
 */
class ReliabilityFaultsITCase {

    static final Path WORK = Path.of("target", "reliability-work").toAbsolutePath();
    static final long TIMEOUT_S = 420;

    static List<String> deliveries() {
        return Arrays.asList(System.getProperty("reliability.faults.delivery", "exactly-once").split(","));
    }

    @ParameterizedTest
    @MethodSource("deliveries")
    void aKilledTaskManagerAndARestartedBrokerLoseNoFrame(String delivery) throws Exception {
        Path cli = TestFrames.ROOT.resolve("operators/cli/target/mobilenet-cli.jar");
        assertTrue(Files.isRegularFile(cli), "the camera simulator's jar " + cli + " is missing: the full reactor (mvn verify) "
                + "builds it before this module's cluster tests; alone, build it first: mvn -pl operators/cli -am -DskipTests package");
        int base = freePortBlock(6);
        Path work = Files.createDirectories(WORK).resolve(delivery + "-" + ProcessHandle.current().pid());
        Path out = work.resolveSibling(work.getFileName() + ".stdout"), err = work.resolveSibling(work.getFileName() + ".stderr");
        ProcessBuilder pb = new ProcessBuilder("bash", TestFrames.ROOT.resolve("deploy/reliability/faults.sh").toString(),
                "--short", "--delivery", delivery)
                .directory(TestFrames.ROOT.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("WORK", work.toString());
        pb.environment().put("KAFKA_PORT", Integer.toString(base));
        pb.environment().put("KAFKA_CONTROLLER_PORT", Integer.toString(base + 1));
        pb.environment().put("FLINK_REST_PORT", Integer.toString(base + 2));
        pb.environment().put("FLINK_RPC_PORT", Integer.toString(base + 3));
        pb.environment().put("PROMETHEUS_PORT", Integer.toString(base + 4)); // and the next two
        pb.environment().put("MOBILENET_NO_BUILD", "1"); // the reactor has packaged the job and the CLI
        String repo = System.getProperty("maven.repo.local");
        if (repo != null) {
            pb.environment().put("MVN_ARGS", "-Dmaven.repo.local=" + repo);
        }
        long start = System.nanoTime();
        Process run = pb.start();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            while (run.isAlive() && (System.nanoTime() - start) / 1e9 < TIMEOUT_S) {
                run.descendants().filter(p -> !started.contains(p)).forEach(started::add);
                run.waitFor(1, TimeUnit.SECONDS);
            }
            if (run.isAlive()) {
                fail("faults.sh did not finish in " + TIMEOUT_S + " s\n" + tail(err, 40));
            }
        } finally {
            if (run.isAlive()) {
                run.descendants().forEach(ProcessHandle::destroyForcibly);
                run.destroyForcibly();
            }
        }
        String context = "\n--- stderr ---\n" + tail(err, 50) + "\n--- stdout ---\n" + Files.readString(out);
        System.out.printf("faults.sh --short --delivery %s: exit %d in %.1f s%n", delivery, run.exitValue(),
                (System.nanoTime() - start) / 1e9);
        assertEquals(0, run.exitValue(), "faults.sh exit status" + context);

        List<String> lines = Files.readAllLines(out);
        JsonNode result = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        JsonNode check = result.get("check");
        assertTrue(check.get("ok").asBoolean(), context);
        assertTrue(check.get("frames").asInt() > 500, "frames sent " + context);
        assertEquals(0, check.get("missing").asInt(), context);
        assertEquals(check.get("frames").asInt(), check.get("labelled").asInt(), context);
        if (delivery.equals("exactly-once")) {
            assertEquals(check.get("frames").asInt(), check.get("label_records").asInt(), "one label record per frame" + context);
        }
        assertTrue(result.get("restarts").asInt() >= 1, "the kill made the job restart" + context);
        assertTrue(check.get("events").has("broker-up"), "the broker was restarted" + context);
        assertTrue(result.get("listening_on_bind_address").asBoolean(), "every port on localhost, Prometheus's too" + context);
        for (ProcessHandle p : started) {
            assertTrue(!p.isAlive(), "left running: " + p.pid() + " " + p.info().commandLine().orElse("?") + context);
        }
    }

    private static String tail(Path file, int lines) throws IOException {
        List<String> all = Files.readAllLines(file);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** {@code n} consecutive free ports on localhost, starting at a random place to keep away from parallel builds. */
    private static int freePortBlock(int n) throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20_000 + random.nextInt(30_000);
            boolean free = true;
            for (int p = base; p < base + n && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no block of " + n + " free ports");
    }
}
