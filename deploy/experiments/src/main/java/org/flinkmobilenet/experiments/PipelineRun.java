package org.flinkmobilenet.experiments;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jdk.jfr.Recording;
import org.apache.flink.core.execution.JobClient;
import org.flinkmobilenet.job.JobOptions;

/**
 * One measured run of the real job on one point of the grid.
 *
 * <ol>
 *   <li><b>Saturation.</b> The job's consumer group is pointed at the last {@code frames} frames of
 *       the (pre-filled) input topic, so a backlog is waiting before the job starts and the source is
 *       never what limits it. Throughput is counted between the labels at 15 % and 85 % of the
 *       backlog: the ramp after start-up is discarded, and so is the tail when one slot finishes first.
 *       CPU is sampled at both ends of that window.</li>
 *   <li><b>Load.</b> Once the backlog is drained, cameras send at fractions of the throughput just
 *       measured, for a fixed time each. End-to-end latency is capture time to the label's arrival at a
 *       consumer (the first second of each phase is left out), and the backlog (frames sent and not yet
 *       labelled) is sampled every 250 ms; its slope says whether it grew.</li>
 *   <li><b>Heap</b> (optional), after a full GC with the job idle.</li>
 * </ol>
 */
final class PipelineRun {

    static final double WINDOW_FROM = 0.15;
    static final double WINDOW_TO = 0.85;
    static final long RAMP_MILLIS = 1000;

    record Point(ModelCase model, FrameSet frames, FlinkCluster cluster, int parallelism, int batch) {
        String setup() {
            return parallelism == 1 ? "p1" : "p" + parallelism + " " + cluster.taskManagers + "TMx" + cluster.slotsPerTaskManager;
        }
    }

    /** A load phase: offered and achieved rates, latencies (ms), backlog growth (frames/s) and its peak. */
    record Phase(double load, double offeredFps, double achievedFps, long labelled, double p50, double p99,
                 double jobP50, double jobP99, double backlogSlope, long backlogMax, boolean backlogGrew,
                 CpuMeter.Usage cpu) {}

    /**
     * {@code profile}: the classify threads' samples over the saturation window, or null when not profiled;
     * {@code classifyBusy}: their CPU time over the window per thread and second (1 = always on a core).
     */
    record Result(double fps, long windowFrames, double windowSeconds, CpuMeter.Usage cpu, double startupMillis,
                  List<Phase> phases, double heapBytes, double liveBytes, long deadLetters, ThreadProfile profile,
                  double classifyBusy) {}

    /** The threads whose time is the job's throughput: the classify subtasks (chained with the label sink). */
    static final String CLASSIFY_THREAD = "classify (MobileNet)";

    /**
     * A classify subtask's own thread: Flink names it after its task, "... classify (MobileNet) ... (1/2)#0", and
     * its helpers after the same task with a prefix ("OutputFlusher for ...", "Time Trigger for ...",
     * "Source Data Fetcher for ..."), which are left out.
     */
    static boolean isClassifyThread(String name) {
        return name.contains(CLASSIFY_THREAD) && !name.contains(" for ") && CpuMeter.isFlinkTask(name);
    }

    private final InJvmKafka kafka;
    private final Cameras cameras;
    private final CpuMeter cpu;
    private final Path repoRoot;
    private final String routeBy;
    private final Path profiles; // where the recordings of the saturation windows go; null: not profiled
    private final Map<String, Long> produced = new HashMap<>();
    private int runs;

    /**
     * @param routeBy the job's {@code --route-by}: camera or partition
     * @param profiles folder for a JFR recording of each saturation window ({@code --profile}), or null
     */
    PipelineRun(InJvmKafka kafka, Cameras cameras, CpuMeter cpu, Path repoRoot, String routeBy, Path profiles) {
        this.kafka = kafka;
        this.cameras = cameras;
        this.cpu = cpu;
        this.repoRoot = repoRoot;
        this.routeBy = routeBy;
        this.profiles = profiles;
    }

    /** Makes sure the frames topic holds at least {@code count} frames. */
    void ensureFrames(FrameSet frames, long count) throws Exception {
        String topic = frames.topic();
        if (!produced.containsKey(topic)) {
            kafka.createTopic(topic, Cameras.PARTITIONS, true);
            produced.put(topic, 0L);
        }
        long missing = count - produced.get(topic);
        if (missing > 0) {
            long more = Math.max(missing, count / 4);
            cameras.fill(topic, frames, more);
            produced.merge(topic, more, Long::sum);
        }
    }

    Result run(Point point, long frames, List<Double> loads, double phaseSeconds, boolean measureHeap) throws Exception {
        String id = "r" + (++runs) + "-" + System.currentTimeMillis() % 100_000;
        String labels = "labels-" + id, dlq = "dlq-" + id, group = "exp-" + id;
        frames = (frames + Cameras.PARTITIONS - 1) / Cameras.PARTITIONS * Cameras.PARTITIONS;
        ensureFrames(point.frames, frames);
        Map<Integer, Long> end = kafka.endOffsets(point.frames.topic(), Cameras.PARTITIONS);
        Map<Integer, Long> start = new HashMap<>();
        long perPartition = frames / Cameras.PARTITIONS;
        end.forEach((p, o) -> start.put(p, o - perPartition));
        kafka.commitGroupOffsets(group, point.frames.topic(), start);
        kafka.createTopic(labels, 2, false);
        kafka.createTopic(dlq, 1, false);

        JobOptions options = JobOptions.parse(new String[] {
                "--bootstrap-servers", kafka.bootstrap(), "--input-topic", point.frames.topic(), "--output-topic", labels,
                "--dlq-topic", dlq, "--group-id", group, "--starting-offsets", "committed",
                "--model", point.model.spec(), "--batch-size", Integer.toString(point.batch), "--batch-timeout-ms", "20",
                "--parallelism", Integer.toString(point.parallelism), "--transactional-id-prefix", group,
                "--route-by", routeBy,
                "--job-name", "scaling-" + id}, repoRoot);

        try (LabelReader reader = new LabelReader(kafka, labels, 2, dlq, cpu)) {
            var from = reader.mark(Math.round(frames * WINDOW_FROM));
            var to = reader.mark(Math.round(frames * WINDOW_TO));
            long submitted = System.nanoTime();
            JobClient job = point.cluster.submit(options, "scaling-" + id);
            try {
                point.cluster.awaitAllRunning(job.getJobID(), 180_000);
                double startupMillis = (System.nanoTime() - submitted) / 1e6;

                LabelReader.Mark a = from.get(300, TimeUnit.SECONDS);
                long[] classifyCpuFrom = CpuMeter.cpuNanos(PipelineRun::isClassifyThread);
                LabelReader.Mark b;
                ThreadProfile profile = null;
                // Raw frames only: JPEG decoding runs in native code (libjpeg), which execution samples do not see.
                boolean profiled = profiles != null && point.frames().format().equals("raw");
                try (Recording recording = profiled ? ThreadProfile.start("scaling-" + id) : null) {
                    try {
                        b = to.get(300, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        throw new IllegalStateException("only " + reader.labels() + " of " + frames + " labels after 10 minutes");
                    }
                    if (recording != null) {
                        recording.stop();
                        Path file = profiles.resolve(profileName(point, id));
                        recording.dump(file);
                        profile = ThreadProfile.read(file, PipelineRun::isClassifyThread);
                    }
                }
                long[] classifyCpuTo = CpuMeter.cpuNanos(PipelineRun::isClassifyThread);
                double seconds = (b.wallNanos() - a.wallNanos()) / 1e9;
                // CPU of the classify threads over the window, per thread: 1 = never waited, never lost its core
                double classifyBusy = classifyCpuTo[1] == 0 ? Double.NaN
                        : (classifyCpuTo[0] - classifyCpuFrom[0]) / 1e9 / seconds / classifyCpuTo[1];
                double fps = (b.labels() - a.labels()) / seconds;
                CpuMeter.Usage usage = b.cpu().since(a.cpu());
                awaitOutputs(reader, frames, 120_000, point, job);

                List<Phase> phases = new ArrayList<>();
                long expected = frames;
                for (double load : loads) {
                    Phase phase = loadPhase(point, reader, expected, load, fps * load, phaseSeconds, job);
                    phases.add(phase);
                    expected += Math.round(fps * load * phaseSeconds);
                }
                double heap = Double.NaN, live = Double.NaN;
                if (measureHeap) {
                    Thread.sleep(1000);
                    heap = Heap.usedAfterGc();
                    live = Heap.liveBytes(point.model().key() + "-" + point.frames().format() + "-p" + point.parallelism()
                            + "-b" + point.batch() + "-" + id);
                }
                reader.checkHealthy();
                return new Result(fps, b.labels() - a.labels(), seconds, usage, startupMillis, phases, heap, live,
                        reader.deadLetters(), profile, classifyBusy);
            } finally {
                point.cluster.cancel(job);
            }
        } finally {
            kafka.deleteTopics(List.of(labels, dlq));
        }
    }

    private static String profileName(Point point, String id) {
        return point.model().key() + "-" + point.frames().format() + "-" + point.setup().replace(' ', '-') + "-b"
                + point.batch() + "-" + id + ".jfr";
    }

    private Phase loadPhase(Point point, LabelReader reader, long before, double load, double fps, double seconds,
                            JobClient job) throws Exception {
        Cameras.Pacer pacer = cameras.paced(point.frames.topic(), point.frames, fps, seconds);
        reader.recordLatencyFrom(pacer.startMillis);
        long startNanos = System.nanoTime();
        List<double[]> lag = new ArrayList<>(); // {seconds since start, frames sent and not yet labelled}
        CpuMeter.Sample cpuFrom = null;
        long labelsFrom = 0;
        while (!pacer.done()) {
            Thread.sleep(250);
            double t = (System.nanoTime() - startNanos) / 1e9;
            long outputs = reader.labels() + reader.deadLetters() - before;
            lag.add(new double[] {t, pacer.sent() - outputs});
            if (cpuFrom == null && t * 1000 >= RAMP_MILLIS) {
                cpuFrom = cpu.sample();
                labelsFrom = reader.labels();
            }
        }
        CpuMeter.Sample cpuTo = cpu.sample();
        long labelsTo = reader.labels();
        pacer.join();
        cameras.checkDelivered();
        long sent = pacer.sent();
        produced.merge(point.frames.topic(), sent, Long::sum);
        awaitOutputs(reader, before + sent, 120_000, point, job);

        long endMillis = pacer.startMillis + Math.round(seconds * 1000);
        long[][] lat = reader.latencies(pacer.startMillis + RAMP_MILLIS, endMillis);
        double[] ts = lag.stream().filter(l -> l[0] * 1000 >= RAMP_MILLIS).mapToDouble(l -> l[0]).toArray();
        double[] ys = lag.stream().filter(l -> l[0] * 1000 >= RAMP_MILLIS).mapToDouble(l -> l[1]).toArray();
        double slope = Stats.slope(ts, ys);
        long maxLag = (long) lag.stream().mapToDouble(l -> l[1]).max().orElse(0);
        CpuMeter.Usage usage = cpuFrom == null ? null : cpuTo.since(cpuFrom);
        double achieved = usage == null ? Double.NaN : (labelsTo - labelsFrom) / usage.wallSeconds();
        // Grew: the backlog rose by more than 5 % of the offered rate per second over the phase.
        boolean grew = slope > Math.max(1.0, 0.05 * fps);
        return new Phase(load, fps, achieved, lat[0].length, Stats.quantile(lat[0], 0.5), Stats.quantile(lat[0], 0.99),
                Stats.quantile(lat[1], 0.5), Stats.quantile(lat[1], 0.99), slope, maxLag, grew, usage);
    }

    private static void awaitOutputs(LabelReader reader, long outputs, long timeoutMillis, Point point, JobClient job)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (reader.labels() + reader.deadLetters() < outputs) {
            reader.checkHealthy();
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("only " + reader.labels() + " labels and " + reader.deadLetters()
                        + " dead letters of " + outputs + " frames; job " + point.cluster.status(job.getJobID()));
            }
            Thread.sleep(20);
        }
    }
}
