package org.flinkmobilenet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, end to end, on real processes: {@code deploy/local/demo.sh} starts a
 * Kafka broker JVM, a Flink JobManager and two TaskManagers, submits the job jar through
 * {@code CliFrontend run}, runs the camera simulator for 30 s and prints the labels. This test runs it
 * on free ports in its own working folder and checks, from the outside:
 * <ul>
 *   <li>the processes were the ones the README promises (by their command lines), and every one of
 *       them, and every process the demo started underneath, is gone afterwards;
 *   <li>the job was submitted through the command-line front end and ran on the two TaskManagers;
 *   <li>the summary's JSON line: every frame the cameras sent came back as a label, no dead letters;
 *   <li>every photo with a known class was labelled with that class;
 *   <li>the Prometheus endpoints (scraped here while the job ran) export the job's metrics, and every
 *       metric the Grafana dashboard queries;
 *   <li>the generated Flink configuration uses only keys Flink knows.
 * </ul>
 */
class LocalDemoE2EIT {

    static final Path WORK = Path.of(System.getProperty("mobilenet.e2e.work", "target/e2e-work")).toAbsolutePath();
    static final int DURATION_S = 30, CAMERAS = 2;
    static final double FPS = 3;
    static final long TIMEOUT_S = 300;

    static final Pattern SUMMARY_JSON = Pattern.compile("^\\{\"frames_in\": (\\d+), \"labels_out\": (\\d+), \"dead_letters\": (\\d+), "
            + "\"fps\": ([0-9.]+), \"latency_p50_ms\": ([0-9.]+), \"latency_p99_ms\": ([0-9.]+)\\}$");
    static final Pattern STARTED = Pattern.compile("started (\\S+) \\(pid (\\d+)\\)");
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    /** What the test saw while the demo ran. */
    static final class Observed {
        final Map<Long, String> commandLines = new HashMap<>();
        final Map<Integer, String> scrapes = new LinkedHashMap<>();
        String jobsOverview;
        String taskManagers;
    }

    @Test
    void demoRunsTheWholeSystemAndLeavesNothingBehind() throws Exception {
        int base = freePortBlock(7);
        int kafka = base, controller = base + 1, rest = base + 2, rpc = base + 3, prom = base + 4;
        List<Integer> promPorts = List.of(prom, prom + 1, prom + 2);
        // A folder of this run's own: another build in the same checkout may run the demo too.
        Path work = Files.createDirectories(WORK).resolve("run-" + ProcessHandle.current().pid());
        Path stdout = WORK.resolve(work.getFileName() + ".stdout"), stderr = WORK.resolve(work.getFileName() + ".stderr");

        List<String> command = List.of("bash", DeployFiles.DEPLOY.resolve("local/demo.sh").toString(),
                "--duration", Integer.toString(DURATION_S), "--cameras", Integer.toString(CAMERAS), "--fps", Double.toString(FPS),
                "--clean", "--work", work.toString(),
                "--kafka-port", Integer.toString(kafka), "--kafka-controller-port", Integer.toString(controller),
                "--flink-port", Integer.toString(rest), "--flink-rpc-port", Integer.toString(rpc),
                "--prometheus-port", Integer.toString(prom));
        ProcessBuilder pb = new ProcessBuilder(command).directory(DeployFiles.ROOT.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        // The reactor has packaged the CLI and the job already; the demo must not rebuild them.
        pb.environment().put("MOBILENET_NO_BUILD", "1");
        pb.environment().put("MVN_ARGS", mavenArgs());
        long t0 = System.nanoTime();
        Process demo = pb.start();
        Observed seen = new Observed();
        try {
            watch(demo, stdout, stderr, rest, promPorts, seen);
            if (!demo.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                fail("the demo did not finish within " + TIMEOUT_S + " s\n" + tail(stderr, 40));
            }
        } finally {
            if (demo.isAlive()) {
                demo.descendants().forEach(ProcessHandle::destroyForcibly);
                demo.destroyForcibly();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String out = Files.readString(stdout), err = Files.readString(stderr);
        String context = "\n--- stderr ---\n" + tail(stderr, 60) + "\n--- stdout ---\n" + tail(stdout, 30);
        System.out.printf("demo.sh --duration %d --cameras %d --fps %.0f: exit %d in %.1f s%n", DURATION_S, CAMERAS, FPS,
                demo.exitValue(), seconds);
        assertEquals(0, demo.exitValue(), "demo.sh exit status" + context);

        // Processes: exactly the promised ones, and none left.
        Map<String, Long> started = new LinkedHashMap<>();
        Matcher sm = STARTED.matcher(err);
        while (sm.find()) {
            started.put(sm.group(1), Long.parseLong(sm.group(2)));
        }
        assertEquals(Set.of("kafka", "jobmanager", "taskmanager-1", "taskmanager-2", "cameras", "labels"), started.keySet(), context);
        assertCommandLine(seen, started.get("kafka"), "kafka.Kafka");
        assertCommandLine(seen, started.get("jobmanager"), "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        for (String tm : List.of("taskmanager-1", "taskmanager-2")) {
            String cl = assertCommandLine(seen, started.get(tm), "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
            assertTrue(cl.contains("--add-modules jdk.incubator.vector"), tm + " runs the engine's vector kernels: " + cl);
            assertTrue(cl.contains("--add-opens=java.base/java.util=ALL-UNNAMED"), tm + " has the Java 17 options");
        }
        assertCommandLine(seen, started.get("cameras"), "org.flinkmobilenet.cli.Main cameras");
        assertCommandLine(seen, started.get("labels"), "org.flinkmobilenet.cli.Main labels");
        List<Long> alive = new ArrayList<>();
        for (long pid : seen.commandLines.keySet()) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                alive.add(pid);
            }
        }
        assertEquals(List.of(), alive, "processes the demo started are still running: " + alive);
        try (Stream<Path> pids = Files.list(work.resolve("pids"))) {
            assertEquals(List.of(), pids.toList(), "pid files left");
        }
        for (int port : List.of(kafka, controller, rest, rpc, prom, prom + 1, prom + 2)) {
            assertTrue(isFree(port), "port " + port + " is still taken");
        }

        // Submission through flink run's front end, onto the two TaskManagers.
        String flinkRun = Files.readString(work.resolve("logs/flink-run.out"));
        assertTrue(flinkRun.contains("Job has been submitted with JobID"), flinkRun);
        assertTrue(seen.jobsOverview != null && seen.jobsOverview.contains("\"name\":\"mobilenet-demo\"")
                && seen.jobsOverview.contains("\"state\":\"RUNNING\""), "job running: " + seen.jobsOverview);
        assertEquals(2, count(seen.taskManagers, "\"id\":"), "TaskManagers: " + seen.taskManagers);

        // The summary.
        String[] lines = out.strip().split("\n");
        Matcher json = SUMMARY_JSON.matcher(lines[lines.length - 1]);
        assertTrue(json.matches(), "the last line is the summary JSON: " + lines[lines.length - 1]);
        long framesIn = Long.parseLong(json.group(1)), labelsOut = Long.parseLong(json.group(2)), dead = Long.parseLong(json.group(3));
        long sent = Long.parseLong(DeployFiles.find(err, "\"frames_sent\": (\\d+)", "the cameras' report"));
        assertTrue(sent >= CAMERAS, "the cameras sent frames: " + sent);
        assertEquals(sent, framesIn, "every frame sent is on the frames topic");
        assertEquals(framesIn, labelsOut, "every frame got a label" + context);
        assertEquals(0, dead, "good frames make no dead letters");
        assertTrue(Double.parseDouble(json.group(4)) > 0, "frames/s");
        assertTrue(out.contains("checks          ok"), context);

        // Classes: every known photo, under its own class.
        assertTrue(out.contains("top-1 classes   " + labelsOut + " of " + labelsOut + " "), context);
        for (String label : List.of("Egyptian cat", "chickadee", "military uniform", "cheeseburger", "macaw", "dragonfly",
                "hotdog", "packet")) {
            assertTrue(Pattern.compile("^cam-\\d+\\s+#\\d+\\s+" + Pattern.quote(label) + "\\s.*\\bok$", Pattern.MULTILINE)
                    .matcher(out).find(), "a live line labels a photo '" + label + "' correctly");
        }

        // Prometheus, scraped here while the job ran.
        String jm = seen.scrapes.get(prom);
        assertTrue(jm != null && sum(jm, "flink_jobmanager_numRegisteredTaskManagers") == 2, "JobManager endpoint: 2 TaskManagers");
        double labelsOnTms = 0;
        for (int p : List.of(prom + 1, prom + 2)) {
            String tm = seen.scrapes.get(p);
            assertTrue(tm != null, "TaskManager endpoint " + p + " answered");
            for (String m : List.of(MetricNames.FRAMES_IN, MetricNames.LABELS_OUT, MetricNames.DEAD_LETTERS,
                    MetricNames.END_TO_END, MetricNames.INFERENCE)) {
                assertTrue(names(tm).contains(m), "TaskManager " + p + " exports " + m);
            }
            labelsOnTms += sum(tm, MetricNames.LABELS_OUT);
        }
        assertTrue(labelsOnTms > 0 && labelsOnTms <= labelsOut, "labels counted by the TaskManagers: " + labelsOnTms);
        Set<String> exported = new TreeSet<>();
        seen.scrapes.values().forEach(s -> exported.addAll(names(s)));
        for (String expr : DeployManifestsTest.dashboardExpressions(
                DeployFiles.yaml(DeployFiles.DEPLOY.resolve("grafana/flink-mobilenet-dashboard.json")))) {
            for (String name : MetricNames.mentionedIn(expr)) {
                assertTrue(exported.contains(name), "the dashboard queries " + name + ", which the cluster does not export");
            }
        }

        // The configuration the demo wrote: only keys Flink knows.
        Map<String, Object> conf = DeployFiles.flatten(DeployFiles.yaml(work.resolve("flink/conf/config.yaml")));
        assertEquals(List.of(), conf.keySet().stream().filter(k -> !FlinkConfigKeys.isKnown(k)).toList(), "unknown Flink keys");
        assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory", conf.get("metrics.reporter.prom.factory.class"));
    }

    /** Polls while the demo runs: process command lines, the job and TaskManagers over REST, the Prometheus endpoints. */
    private static void watch(Process demo, Path stdout, Path stderr, int rest, List<Integer> promPorts, Observed seen)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        boolean labelsFlowing = false;
        while (demo.isAlive() && System.nanoTime() < deadline) {
            demo.descendants().forEach(p -> {
                String cl = commandLine(p);
                if (cl != null) {
                    seen.commandLines.put(p.pid(), cl);
                }
            });
            // From the job running until the summary, after which the demo starts stopping processes.
            if (!labelsFlowing && Files.readString(stderr).contains("labels as they arrive")
                    && !Files.readString(stdout).contains("== summary")) {
                String jobs = get(rest, "/jobs/overview"), tms = get(rest, "/taskmanagers");
                Map<Integer, String> scrapes = new LinkedHashMap<>();
                for (int p : promPorts) {
                    String s = get(p, "/metrics");
                    if (s != null) {
                        scrapes.put(p, s);
                    }
                }
                boolean complete = scrapes.size() == promPorts.size() && jobs != null && tms != null
                        && promPorts.subList(1, promPorts.size()).stream()
                                .allMatch(p -> sum(scrapes.get(p), MetricNames.FRAMES_IN) + sum(scrapes.get(p), MetricNames.LABELS_OUT) > 0);
                if (jobs != null) {
                    seen.jobsOverview = jobs;
                    seen.taskManagers = tms;
                    seen.scrapes.putAll(scrapes);
                }
                labelsFlowing = complete;
            }
            Thread.sleep(500);
        }
    }

    private static String assertCommandLine(Observed seen, Long pid, String part) {
        assertTrue(pid != null, "no pid for " + part);
        String cl = seen.commandLines.get(pid);
        assertTrue(cl != null, "process " + pid + " (" + part + ") was not seen running");
        assertTrue(cl.contains(part), pid + " runs " + part + ": " + (cl.length() < 600 ? cl
                : cl.substring(0, 300) + " ... " + cl.substring(cl.length() - 300)));
        return cl;
    }

    /** The whole command line: /proc on Linux (ProcessHandle.Info cuts long ones, and class paths are long). */
    private static String commandLine(ProcessHandle p) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            if (raw.length > 0) {
                return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').strip();
            }
        } catch (IOException e) {
            // not Linux, or the process is gone
        }
        return p.info().commandLine().orElse(null);
    }

    private static String get(int port, String path) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static double sum(String exposition, String metric) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(metric)) {
                total += Double.parseDouble(m.group(3));
            }
        }
        return total;
    }

    static Set<String> names(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text == null ? -1 : text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Maven arguments for the demo's own Maven calls: the same local repository as this build. */
    private static String mavenArgs() {
        StringBuilder b = new StringBuilder("-B");
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank() && !repo.contains("${")) {
            b.append(" -Dmaven.repo.local=").append(repo);
        }
        return b.toString();
    }

    /** The first of {@code n} consecutive free localhost ports, from a random start (other builds may run here). */
    static int freePortBlock(int n) {
        Random random = new Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + random.nextInt(30000);
            boolean free = true;
            for (int p = base; p < base + n && free; p++) {
                free = isFree(p);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no block of " + n + " free ports");
    }

    static boolean isFree(int port) {
        try {
            new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path file, int lines) throws IOException {
        if (!Files.exists(file)) {
            return "(no " + file + ")";
        }
        List<String> all = Files.readAllLines(file);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
