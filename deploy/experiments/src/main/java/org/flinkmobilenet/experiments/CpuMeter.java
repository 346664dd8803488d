package org.flinkmobilenet.experiments;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time of this process, split by who spent it, and of the whole machine (so the load of other
 * people's work during a measurement is on record next to it).
 *
 * <p>Groups of Java threads, by name: {@code job} = Flink task threads ("... (1/2)#0", which include
 * the Kafka source fetchers) and the job's Kafka producers; {@code harness} = this program's cameras
 * and label reader; {@code other} = the in-JVM broker, the MiniCluster's own services. What the
 * process spent beyond its Java threads is the JVM itself (JIT compilers, GC).
 */
final class CpuMeter {

    static final String HARNESS_PREFIX = "experiments-";
    private static final Pattern FLINK_TASK = Pattern.compile(".*\\(\\d+/\\d+\\)#\\d+.*");

    /** One reading; differences of two readings give the CPU spent between them. */
    record Sample(long wallNanos, long processNanos, long jobNanos, long harnessNanos, long otherNanos,
                  long compileMillis, long machineBusyTicks, long machineTotalTicks) {

        /** Cores used between {@code before} and this sample, per group: process, job, harness, other, jvm, machine. */
        Usage since(Sample before) {
            double wall = (wallNanos - before.wallNanos) / 1e9;
            double process = (processNanos - before.processNanos) / 1e9 / wall;
            double job = (jobNanos - before.jobNanos) / 1e9 / wall;
            double harness = (harnessNanos - before.harnessNanos) / 1e9 / wall;
            double other = (otherNanos - before.otherNanos) / 1e9 / wall;
            double jit = compileMillis < 0 ? Double.NaN : (compileMillis - before.compileMillis) / 1e3 / wall;
            long total = machineTotalTicks - before.machineTotalTicks;
            double machine = total <= 0 ? Double.NaN
                    : (double) (machineBusyTicks - before.machineBusyTicks) / total * CORES;
            return new Usage(wall, process, job, harness, other, Math.max(0, process - job - harness - other), jit, machine);
        }
    }

    /**
     * Cores (CPU seconds per second) used over {@code wallSeconds}. {@code jvm} is what the process spent
     * beyond its Java threads (JIT compilers and GC); {@code jit} is the JIT compilers' share of it, from
     * the JVM's accumulated compilation time (a compiler thread is busy while it compiles).
     */
    record Usage(double wallSeconds, double process, double job, double harness, double other, double jvm, double jit,
                 double machine) {
        /** Cores busy on this machine outside this process: other people's work. */
        double outside() {
            return Double.isNaN(machine) ? Double.NaN : Math.max(0, machine - process);
        }
    }

    static final int CORES = Runtime.getRuntime().availableProcessors();

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU of threads that have ended, by group, so a sample does not go backwards when a thread dies. */
    private final Map<Long, long[]> lastSeen = new HashMap<>(); // thread id -> {group, nanos}
    private final long[] ended = new long[3];

    synchronized Sample sample() {
        long[] sums = ended.clone();
        Map<Long, long[]> seen = new HashMap<>();
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long nanos = THREADS.getThreadCpuTime(ids[i]);
            if (infos[i] == null || nanos < 0) {
                continue;
            }
            int group = group(infos[i].getThreadName());
            sums[group] += nanos;
            seen.put(ids[i], new long[] {group, nanos});
        }
        lastSeen.forEach((id, gv) -> {
            if (!seen.containsKey(id)) {
                ended[(int) gv[0]] += gv[1];
                sums[(int) gv[0]] += gv[1];
            }
        });
        lastSeen.clear();
        lastSeen.putAll(seen);
        long[] machine = machineTicks();
        return new Sample(System.nanoTime(), OS.getProcessCpuTime(), sums[0], sums[1], sums[2], compileMillis(), machine[0],
                machine[1]);
    }

    /**
     * CPU time so far of the live threads whose name {@code threads} accepts, and how many there are: two readings
     * around a window give how busy they were (a profiler's sample count cannot: its sampler shares the cores and
     * its period stretches when they are busy).
     */
    static long[] cpuNanos(java.util.function.Predicate<String> threads) {
        long nanos = 0, count = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && threads.test(info.getThreadName())) {
                long t = THREADS.getThreadCpuTime(info.getThreadId());
                if (t >= 0) {
                    nanos += t;
                    count++;
                }
            }
        }
        return new long[] {nanos, count};
    }

    /** Whether a thread is a Flink task's own ("... (1/2)#0"); its helpers carry the task's name after "... for ". */
    static boolean isFlinkTask(String threadName) {
        return FLINK_TASK.matcher(threadName).matches();
    }

    /** Milliseconds the JIT compilers have spent since the JVM started, or -1 if the JVM does not say. */
    static long compileMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    static int group(String threadName) {
        if (threadName.startsWith(HARNESS_PREFIX) || threadName.contains("| " + HARNESS_PREFIX)) {
            return 1;
        }
        if (isFlinkTask(threadName) || threadName.startsWith("kafka-producer-network-thread")) {
            return 0;
        }
        return 2;
    }

    /** Busy and total ticks of all CPUs since boot, from the first line of /proc/stat. */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0, idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) { // idle, iowait
                    idle += v;
                }
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** The first line of /proc/loadavg, or "unknown". */
    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
