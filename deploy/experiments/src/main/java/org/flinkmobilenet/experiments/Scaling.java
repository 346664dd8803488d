package org.flinkmobilenet.experiments;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.flinkmobilenet.engine.Classifier;
import org.flinkmobilenet.engine.MobileNetModel;
import org.flinkmobilenet.engine.Models;
import org.flinkmobilenet.engine.kernels.KernelSelector;

/**
 * The throughput scaling experiment: engine-only baseline, the real job over the grid, the
 * latency-vs-load sweep; CSV files written as it goes, then plots and the summary. Run by
 * {@code deploy/experiments/scaling.sh}; see {@link Settings#USAGE}.
 *
 * <p>The grid is run {@code --repeats} times over (engine and pipeline interleaved in each pass), so
 * the spread of a point reflects the machine's changing load over the whole run, not just the noise
 * of back-to-back repeats.
 */
public final class Scaling {

    private final Settings s;
    private final CpuMeter cpu = new CpuMeter();
    private final Map<String, MobileNetModel> models = new LinkedHashMap<>();
    private final Map<String, FrameSet> frames = new LinkedHashMap<>();
    private final Table engine = new Table(Columns.ENGINE);
    private final Table engineHeap = new Table(Columns.ENGINE_HEAP);
    private final Table points = new Table(Columns.POINTS);
    private final Table load = new Table(Columns.LOAD);
    private final Table profile = new Table(Columns.PROFILE);
    private final long started = System.nanoTime();

    private Scaling(Settings s) {
        this.s = s;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("mobilenet.repo.root", ".")).toAbsolutePath().normalize();
        Path out = root.resolve("deploy/experiments/results")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.print(Settings.USAGE);
            return;
        }
        // --check: only parse the options (scaling.sh asks before it makes the results folder)
        boolean checkOnly = java.util.Arrays.asList(args).contains("--check");
        String[] options = java.util.Arrays.stream(args).filter(a -> !a.equals("--check")).toArray(String[]::new);
        Settings s;
        try {
            s = Settings.parse(options, root, out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (checkOnly) {
            return;
        }
        if (s.reportOnly() != null) {
            Report.write(Path.of(s.reportOnly()).toAbsolutePath());
            return;
        }
        new Scaling(s).run();
        System.exit(0); // Kafka and Flink leave non-daemon threads behind
    }

    private void run() throws Exception {
        Files.createDirectories(s.out());
        Properties info = new Properties();
        info.setProperty("cpu", cpuName());
        info.setProperty("cores", Integer.toString(CpuMeter.CORES));
        info.setProperty("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        info.setProperty("max_heap_mb", Long.toString(Runtime.getRuntime().maxMemory() >> 20));
        info.setProperty("gc", Heap.collectors());
        info.setProperty("g1_region_mb", Heap.g1RegionMegabytes());
        info.setProperty("kernels", KernelSelector.kernels().name());
        info.setProperty("loadavg_start", CpuMeter.loadavg());
        info.setProperty("started", LocalDateTime.now().toString());
        info.setProperty("command", "deploy/experiments/scaling.sh " + s.commandLine());
        info.setProperty("route_by", s.routeBy());
        info.setProperty("profile", s.profile() ? "JDK Flight Recorder, jdk.ExecutionSample every "
                + ThreadProfile.PERIOD.toMillis() + " ms, classify threads" : "off");
        info.setProperty("repeats", Integer.toString(s.repeats()));
        info.setProperty("quick", Boolean.toString(s.quick()));
        info.setProperty("load", Double.toString(s.load()));
        info.setProperty("window_seconds", Double.toString(s.windowSeconds()));
        info.setProperty("phase_seconds", Double.toString(s.phaseSeconds()));
        info.setProperty("setup", "Flink MiniCluster (flink-test-utils 2.2.1) and a KRaft Kafka broker (KafkaClusterTestKit "
                + "4.2.0), both inside this one JVM with the cameras and the label reader");
        log("results in %s; %s; %s; %d cores; kernels %s; load average %s", s.out(), info.getProperty("cpu"),
                info.getProperty("jvm"), CpuMeter.CORES, info.getProperty("kernels"), info.getProperty("loadavg_start"));

        loadModelsAndFrames();
        frames.forEach((k, f) -> info.setProperty("frame_kb." + k, String.format(Locale.ROOT, "%.1f", f.meanBytes() / 1024)));
        try (InJvmKafka kafka = InJvmKafka.start(); Cameras cameras = new Cameras(kafka)) {
            log("kafka up at %s; cameras %s", kafka.bootstrap(), Cameras.balancedIds(Cameras.CAMERAS, 2));
            PipelineRun runner = new PipelineRun(kafka, cameras, cpu, s.repoRoot(), s.routeBy(), profiles());
            for (int r = 1; r <= s.repeats(); r++) {
                if (s.sections().contains("engine")) {
                    engineSection(r);
                }
                if (s.sections().contains("pipeline")) {
                    pipelineSection(runner, r);
                }
            }
            if (s.sections().contains("load")) {
                loadSweep(runner);
            }
        }
        info.setProperty("loadavg_end", CpuMeter.loadavg());
        info.setProperty("finished", LocalDateTime.now().toString());
        info.setProperty("minutes", String.format(Locale.ROOT, "%.1f", minutes()));
        try (var w = Files.newBufferedWriter(s.out().resolve("run.properties"))) {
            info.store(w, "machine and settings of this run");
        }
        save();
        Report.write(s.out());
        log("done in %.1f min: %s", minutes(), s.out().resolve("summary.md"));
    }

    private void loadModelsAndFrames() throws IOException {
        Path images = s.repoRoot().resolve("test-images");
        frames.put("jpeg", FrameSet.jpeg(images));
        List<ModelCase> all = new ArrayList<>(s.models());
        if (s.sections().contains("load") && !all.contains(s.sweepModel())) {
            all.add(s.sweepModel());
        }
        for (ModelCase m : all) {
            models.put(m.key(), Models.load(s.repoRoot().resolve(m.spec().split(",")[0]).toString()
                    + (m.spec().contains(",") ? "," + s.repoRoot().resolve(m.spec().split(",")[1]) : ""), null));
            frames.computeIfAbsent("raw" + m.resolution(), k -> {
                try {
                    return FrameSet.raw(images, m.resolution());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        frames.values().forEach(f -> log("frames %-16s %d pictures, %.1f KB each on average", f.label(),
                f.pictures().size(), f.meanBytes() / 1024));
    }

    private FrameSet framesFor(ModelCase m, String format) {
        return frames.get(format.equals("jpeg") ? "jpeg" : "raw" + m.resolution());
    }

    private void engineSection(int repeat) throws Exception {
        EngineBaseline baseline = new EngineBaseline(cpu);
        for (ModelCase m : s.models()) {
            MobileNetModel model = models.get(m.key());
            for (String mode : EngineBaseline.MODES) {
                for (int threads : s.threads()) {
                    for (int batch : s.batches()) {
                        List<Map<String, String>> attempts = new ArrayList<>();
                        for (int attempt = 1; attempt <= Columns.ATTEMPTS; attempt++) {
                            EngineBaseline.Result e = baseline.measure(model, mode, frames.get("jpeg"), framesFor(m, "raw"),
                                    threads, batch, s.engineWarmMillis(), s.engineMeasureMillis());
                            attempts.add(engine.add("repeat", repeat, "attempt", attempt, "counted", false, "model", m.key(),
                                    "mode", mode, "threads", threads, "batch", batch,
                                    "fps", e.fps(), "frames", e.frames(), "cores_process", e.cpu().process(),
                                    "cores_machine", e.cpu().machine(), "cores_outside", e.cpu().outside(),
                                    "cpu_ms_per_frame", e.cpu().process() * e.cpu().wallSeconds() / e.frames() * 1000,
                                    "decode_share", e.decodeShare(), "preprocess_share", e.preprocessShare(),
                                    "inference_share", e.inferenceShare(), "decode_ms", e.decodeMsPerFrame(),
                                    "preprocess_ms", e.preprocessMsPerFrame(), "inference_ms", e.inferenceMsPerFrame(),
                                    "loadavg", CpuMeter.loadavg().split(" ")[0]));
                            log("engine r%d %-11s %-5s %d thread(s) b%d: %7.1f fps, %.2f cores (outside %.2f)%s", repeat,
                                    m.key(), mode, threads, batch, e.fps(), e.cpu().process(), e.cpu().outside(),
                                    disturbed(e.cpu().outside()) ? " disturbed" : "");
                            if (!disturbed(e.cpu().outside())) {
                                break;
                            }
                        }
                        countLeastDisturbed(attempts);
                    }
                }
            }
            baseline.release();
            for (int batch : s.batches()) {
                long h0 = Heap.usedAfterGc();
                long a0 = Heap.allocatedByThisThread();
                Classifier first = new Classifier(model, batch, 1.0f);
                long allocated = Heap.allocatedByThisThread() - a0;
                long h1 = Heap.usedAfterGc();
                long l1 = Heap.liveBytes("engine-" + m.key() + "-b" + batch + "-1");
                Classifier second = new Classifier(model, batch, 1.0f);
                long h2 = Heap.usedAfterGc();
                long l2 = Heap.liveBytes("engine-" + m.key() + "-b" + batch + "-2");
                Reference.reachabilityFence(first);
                Reference.reachabilityFence(second);
                engineHeap.add("repeat", repeat, "model", m.key(), "batch", batch,
                        "engine_bytes", model.compiled().engineBytes(batch), "allocated_bytes", allocated,
                        "heap_first_classifier_bytes", h1 - h0,
                        "heap_extra_classifier_bytes", h2 - h1, "live_extra_classifier_bytes", l2 - l1);
            }
            save();
        }
    }

    private void pipelineSection(PipelineRun runner, int repeat) throws Exception {
        for (String layout : List.of("1x2", "2x1")) {
            List<String> setups = s.setups().stream().filter(x -> Settings.layout(x).equals(layout)).toList();
            if (setups.isEmpty()) {
                continue;
            }
            int tms = layout.equals("1x2") ? 1 : 2;
            try (FlinkCluster cluster = FlinkCluster.start(tms, 2 / tms)) {
                log("flink MiniCluster %s up", cluster.layout());
                if (repeat == 1) {
                    warmUp(runner, cluster, setups, s.batches());
                }
                for (ModelCase m : s.models()) {
                    for (String format : s.formats()) {
                        for (int batch : s.batches()) {
                            for (String setup : setups) {
                                point(runner, cluster, m, format, setup, batch, repeat);
                            }
                        }
                    }
                    save();
                }
            }
        }
    }

    /**
     * Short, unrecorded runs on a new cluster (each format and batch size, first model), so that Flink's,
     * Kafka's and the operator's own code is JIT-compiled before anything counts.
     */
    private void warmUp(PipelineRun runner, FlinkCluster cluster, List<String> setups, List<Integer> batches) throws Exception {
        ModelCase m = s.models().get(0);
        int p = setups.stream().mapToInt(Settings::parallelism).max().orElse(1);
        List<PipelineRun.Point> points = new ArrayList<>();
        for (String format : s.formats()) {
            for (int batch : batches) {
                points.add(new PipelineRun.Point(m, framesFor(m, format), cluster, p, batch));
            }
        }
        // Every format and batch once, then round again until the JIT compilers have (nearly) nothing left to do:
        // Kafka's, Flink's and the job's code paths keep C2 busy for tens of seconds, and a window measured while
        // it compiles gives the job a core less.
        for (int run = 0; run < Math.max(points.size(), Columns.WARM_UP_RUNS); run++) {
            PipelineRun.Point point = points.get(run % points.size());
            PipelineRun.Result r = runner.run(point, backlog(point) / 2, List.of(s.load()), 2, false);
            double jit = r.cpu().jit();
            log("warm-up %s %s %s b%d: %.1f fps, JIT %.2f cores (not recorded)", m.key(), point.frames().format(),
                    point.setup(), point.batch(), r.fps(), jit);
            if (run + 1 >= points.size() && !(jit > Columns.JIT_QUIET_CORES)) {
                return;
            }
        }
        log("warm-up: the JIT is still compiling after %d runs; measuring anyway (column cores_jit)", Columns.WARM_UP_RUNS);
    }

    /** A point of the grid, tried again while other work on the machine disturbs it (see {@link Columns}). */
    private void point(PipelineRun runner, FlinkCluster cluster, ModelCase m, String format, String setup, int batch,
                       int repeat) {
        List<Map<String, String>> attempts = new ArrayList<>();
        for (int attempt = 1; attempt <= Columns.ATTEMPTS; attempt++) {
            Map<String, String> row = attempt(runner, cluster, m, format, setup, batch, repeat, attempt);
            attempts.add(row);
            if (row.get("error").isEmpty() && !disturbed(Table.num(row, "cores_outside"), Table.num(row, "cores_jit"))) {
                break;
            }
        }
        countLeastDisturbed(attempts);
    }

    private Map<String, String> attempt(PipelineRun runner, FlinkCluster cluster, ModelCase m, String format, String setup,
                                        int batch, int repeat, int attempt) {
        PipelineRun.Point point = new PipelineRun.Point(m, framesFor(m, format), cluster, Settings.parallelism(setup), batch);
        long backlog = backlog(point);
        long engineBytes = models.get(m.key()).compiled().engineBytes(batch);
        Object[] base = {"repeat", repeat, "attempt", attempt, "counted", false, "model", m.key(), "format", format,
                "setup", setup, "task_managers", cluster.taskManagers, "slots_per_tm", cluster.slotsPerTaskManager,
                "parallelism", point.parallelism(), "batch", batch, "backlog_frames", backlog, "engine_bytes", engineBytes};
        try {
            PipelineRun.Result r = runner.run(point, backlog, List.of(s.load()), s.phaseSeconds(),
                    cluster.taskManagers == 1);
            PipelineRun.Phase ph = r.phases().get(0);
            CpuMeter.Usage u = r.cpu();
            CpuMeter.Usage pu = ph.cpu();
            if (r.profile() != null) {
                addProfile(r, repeat, attempt, m, format, setup, batch);
            }
            Map<String, String> row = points.add(concat(base, "fps", r.fps(), "window_frames", r.windowFrames(),
                    "window_s", r.windowSeconds(), "classify_busy", r.classifyBusy(),
                    "cores_process", u.process(), "cores_job", u.job(), "cores_harness", u.harness(), "cores_other", u.other(),
                    "cores_jvm", u.jvm(), "cores_jit", u.jit(), "cores_machine", u.machine(), "cores_outside", u.outside(),
                    "job_cpu_ms_per_frame", u.job() / r.fps() * 1000, "process_cpu_ms_per_frame", u.process() / r.fps() * 1000,
                    "startup_ms", r.startupMillis(), "load", ph.load(), "offered_fps", ph.offeredFps(),
                    "achieved_fps", ph.achievedFps(), "latency_p50_ms", ph.p50(), "latency_p99_ms", ph.p99(),
                    "job_latency_p50_ms", ph.jobP50(), "job_latency_p99_ms", ph.jobP99(),
                    "backlog_slope_fps", ph.backlogSlope(), "backlog_max", ph.backlogMax(), "backlog_grew", ph.backlogGrew(),
                    "phase_cores_process", pu == null ? null : pu.process(), "phase_cores_harness", pu == null ? null : pu.harness(),
                    "phase_cores_outside", pu == null ? null : pu.outside(),
                    "heap_after_gc_bytes", r.heapBytes(), "heap_live_bytes", r.liveBytes(), "dead_letters", r.deadLetters(),
                    "loadavg", CpuMeter.loadavg().split(" ")[0], "error", ""));
            log("pipeline r%d %-11s %-4s %-10s b%d: %7.1f fps (%d frames in %.1f s), classify threads busy %.0f %%, cpu %.2f job / %.2f process "
                            + "(outside %.2f, JIT %.2f)%s; at %.0f%%: p50 %.0f ms p99 %.0f ms%s", repeat, m.key(), format,
                    point.setup(), batch, r.fps(), r.windowFrames(), r.windowSeconds(), 100 * r.classifyBusy(), u.job(),
                    u.process(), u.outside(),
                    u.jit(), disturbed(u.outside(), u.jit()) ? " disturbed" : "", ph.load() * 100, ph.p50(), ph.p99(),
                    ph.backlogGrew() ? ", BACKLOG GREW" : "");
            return row;
        } catch (Exception e) {
            log("pipeline r%d %s %s %s b%d FAILED: %s", repeat, m.key(), format, point.setup(), batch, e);
            e.printStackTrace(System.out);
            List<Object> cells = new ArrayList<>(List.of(base));
            for (String c : Columns.POINTS) {
                if (!cells.contains(c) && !c.equals("error")) {
                    cells.add(c);
                    cells.add(null);
                }
            }
            cells.add("error");
            cells.add(String.valueOf(e).replace('\n', ' '));
            return points.add(cells.toArray());
        }
    }

    /**
     * With {@code --profile}: the folder for the recordings, after one short recording so that JFR's own start-up
     * (its threads, classes and their compilation) happens before the job is measured. Null without.
     */
    private Path profiles() throws Exception {
        if (!s.profile()) {
            return null;
        }
        Path dir = Files.createDirectories(s.out().resolve("profiles"));
        try (jdk.jfr.Recording r = ThreadProfile.start("scaling-warm-up")) {
            Thread.sleep(500);
            r.stop();
            Path file = dir.resolve("warm-up.jfr");
            r.dump(file);
            ThreadProfile.read(file, name -> true);
            Files.delete(file);
        }
        return dir;
    }

    private void addProfile(PipelineRun.Result r, int repeat, int attempt, ModelCase m, String format, String setup, int batch) {
        ThreadProfile p = r.profile();
        List<Object> cells = new ArrayList<>(List.of("repeat", repeat, "attempt", attempt, "model", m.key(), "format", format,
                "setup", setup, "batch", batch, "fps", r.fps(), "threads", p.threads(), "samples", p.samples(),
                "classify_busy", r.classifyBusy()));
        for (ThreadProfile.Part part : ThreadProfile.Part.values()) {
            cells.add("share_" + part.column);
            cells.add(p.share(part));
        }
        profile.add(cells.toArray());
        StringBuilder parts = new StringBuilder();
        for (ThreadProfile.Part part : ThreadProfile.Part.values()) {
            parts.append(String.format(Locale.ROOT, "%s %s %.0f %%", parts.length() == 0 ? "" : ",", part.column,
                    100 * p.share(part)));
        }
        log("profile %s %s %s b%d: %d samples of %d classify thread(s), busy %.0f %% of the window:%s", m.key(), format,
                setup, batch, p.samples(), p.threads(), 100 * r.classifyBusy(), parts);
    }

    private static boolean disturbed(double outsideCores) {
        return outsideCores > Columns.DISTURBED_CORES;
    }

    /** A job measurement: disturbed by other work on the machine, or taken while the JIT was still compiling. */
    private static boolean disturbed(double outsideCores, double jitCores) {
        return disturbed(outsideCores) || jitCores > Columns.JIT_DISTURBED_CORES;
    }

    /**
     * Marks, of the attempts at one measurement, the successful one least disturbed: the least CPU used outside
     * this process plus, where measured (the job's points), by the JIT compilers.
     */
    private static void countLeastDisturbed(List<Map<String, String>> attempts) {
        attempts.stream().filter(r -> r.getOrDefault("error", "").isEmpty() && !Double.isNaN(Table.num(r, "fps")))
                .min(java.util.Comparator.comparingDouble(r -> {
                    double o = Table.num(r, "cores_outside"), j = Table.num(r, "cores_jit"); // NaN where not measured
                    return (Double.isNaN(o) ? 0 : o) + (Double.isNaN(j) ? 0 : j);
                }))
                .ifPresent(r -> r.put("counted", "true"));
    }

    private void loadSweep(PipelineRun runner) throws Exception {
        ModelCase m = s.sweepModel();
        try (FlinkCluster cluster = FlinkCluster.start(1, 2)) {
            if (!s.sections().contains("pipeline")) {
                warmUp(runner, cluster, List.of("p2-1x2"), s.sweepBatches());
            }
            for (int batch : s.sweepBatches()) {
                PipelineRun.Point point = new PipelineRun.Point(m, framesFor(m, s.sweepFormat()), cluster, 2, batch);
                PipelineRun.Result r = runner.run(point, backlog(point), s.sweepLoads(), s.phaseSeconds(), false);
                for (PipelineRun.Phase ph : r.phases()) {
                    load.add("model", m.key(), "format", s.sweepFormat(), "setup", "p2-1x2", "batch", batch,
                            "saturation_fps", r.fps(), "load", ph.load(), "offered_fps", ph.offeredFps(),
                            "achieved_fps", ph.achievedFps(), "latency_p50_ms", ph.p50(), "latency_p99_ms", ph.p99(),
                            "job_latency_p50_ms", ph.jobP50(), "job_latency_p99_ms", ph.jobP99(),
                            "backlog_slope_fps", ph.backlogSlope(), "backlog_max", ph.backlogMax(),
                            "backlog_grew", ph.backlogGrew(), "cores_process", ph.cpu() == null ? null : ph.cpu().process(),
                            "cores_outside", ph.cpu() == null ? null : ph.cpu().outside());
                    log("load %s %s p2 b%d: %.0f%% of %.1f fps = %.1f offered, %.1f labelled/s; p50 %.0f ms p99 %.0f ms%s",
                            m.key(), s.sweepFormat(), batch, ph.load() * 100, r.fps(), ph.offeredFps(), ph.achievedFps(),
                            ph.p50(), ph.p99(), ph.backlogGrew() ? ", BACKLOG GREW" : "");
                }
                save();
            }
        }
    }

    /**
     * Frames waiting for a run: enough for the saturation window at the engine's own speed for this
     * point (the pipeline cannot be faster), within the topic's retention and at most 20000.
     */
    private long backlog(PipelineRun.Point p) {
        String mode = p.frames().format();
        // The fastest the engine went on this input with these threads, any batch size, with a margin: one
        // disturbed engine measurement must not make the backlog (and the window) too short.
        double engineFps = 1.25 * Table.max(engine.where(r -> r.get("model").equals(p.model().key())
                && r.get("mode").equals(mode) && Table.num(r, "threads") == p.parallelism()), "fps");
        if (engineFps == 0) {
            engineFps = 400.0 * p.parallelism() * (224.0 * 224) / (p.model().resolution() * p.model().resolution());
        }
        double window = s.windowSeconds() / (PipelineRun.WINDOW_TO - PipelineRun.WINDOW_FROM);
        long cap = (long) Math.min(20_000, 0.9 * InJvmKafka.RETENTION_BYTES_PER_PARTITION * Cameras.PARTITIONS
                / p.frames().meanBytes());
        return Math.max(100L * p.parallelism() * p.batch(), Math.min(cap, Math.round(engineFps * window)));
    }

    private void save() throws IOException {
        engine.write(s.out().resolve("engine.csv"));
        engineHeap.write(s.out().resolve("engine-heap.csv"));
        points.write(s.out().resolve("points.csv"));
        load.write(s.out().resolve("load.csv"));
        if (s.profile()) {
            profile.write(s.out().resolve("profile.csv"));
        }
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private double minutes() {
        return (System.nanoTime() - started) / 6e10;
    }

    private void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%s +%5.1f min] %s%n", LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")),
                minutes(), String.format(Locale.ROOT, format, args));
    }

    private static String cpuName() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
