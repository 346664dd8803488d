package org.flinkmobilenet.experiments;

import java.util.List;

/**
 * The columns of the CSV files a run writes (documented in the README). {@code attempt} and
 * {@code counted}: a measurement during which other work on the machine used more than
 * {@link #DISTURBED_CORES} cores, or (for the job) the JIT compilers more than {@link #JIT_DISTURBED_CORES}
 * cores, is tried again (at most {@link #ATTEMPTS} times); every attempt is kept, and the one least
 * disturbed (CPU outside this process plus JIT) is the one that counts.
 */
final class Columns {

    static final double DISTURBED_CORES = 0.3;
    static final int ATTEMPTS = 3;

    /** JIT compiler cores above which a job measurement counts as disturbed: it is compiling, not warm. */
    static final double JIT_DISTURBED_CORES = 0.1;

    /** The job's warm-up goes on until one of its runs sees at most this much JIT (or {@link #WARM_UP_RUNS} runs). */
    static final double JIT_QUIET_CORES = 0.05;
    static final int WARM_UP_RUNS = 16;

    private Columns() {}

    static final List<String> ENGINE = List.of("repeat", "attempt", "counted", "model", "mode", "threads", "batch", "fps", "frames",
            "cores_process", "cores_machine", "cores_outside", "cpu_ms_per_frame", "decode_share", "preprocess_share",
            "inference_share", "decode_ms", "preprocess_ms", "inference_ms", "loadavg");

    static final List<String> ENGINE_HEAP = List.of("repeat", "model", "batch", "engine_bytes", "allocated_bytes",
            "heap_first_classifier_bytes", "heap_extra_classifier_bytes", "live_extra_classifier_bytes");

    static final List<String> POINTS = List.of("repeat", "attempt", "counted", "model", "format", "setup", "task_managers", "slots_per_tm",
            "parallelism", "batch", "backlog_frames", "fps", "window_frames", "window_s", "classify_busy", "cores_process", "cores_job",
            "cores_harness", "cores_other", "cores_jvm", "cores_jit", "cores_machine", "cores_outside", "job_cpu_ms_per_frame",
            "process_cpu_ms_per_frame", "startup_ms", "load", "offered_fps", "achieved_fps", "latency_p50_ms",
            "latency_p99_ms", "job_latency_p50_ms", "job_latency_p99_ms", "backlog_slope_fps", "backlog_max",
            "backlog_grew", "phase_cores_process", "phase_cores_harness", "phase_cores_outside", "heap_after_gc_bytes", "heap_live_bytes",
            "engine_bytes", "dead_letters", "loadavg", "error");

    /** One row per profiled attempt ({@code --profile}): the classify threads' samples and the share of each part. */
    static final List<String> PROFILE = profileColumns();

    static final List<String> LOAD = List.of("model", "format", "setup", "batch", "saturation_fps", "load", "offered_fps",
            "achieved_fps", "latency_p50_ms", "latency_p99_ms", "job_latency_p50_ms", "job_latency_p99_ms",
            "backlog_slope_fps", "backlog_max", "backlog_grew", "cores_process", "cores_outside");

    private static List<String> profileColumns() {
        List<String> c = new java.util.ArrayList<>(List.of("repeat", "attempt", "model", "format", "setup", "batch", "fps",
                "threads", "samples", "classify_busy"));
        for (ThreadProfile.Part p : ThreadProfile.Part.values()) {
            c.add("share_" + p.column);
        }
        return List.copyOf(c);
    }
}
