package org.flinkmobilenet.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a thread's time goes, from the JVM's own sampling profiler (JDK Flight Recorder's
 * {@code jdk.ExecutionSample}: every {@link #PERIOD} the stacks of threads running Java code).
 * {@code scaling.sh --profile} records the saturation window of every point and sorts the samples of
 * the classify threads (the slots, whose speed is the job's throughput) into {@link Part}s, so the
 * summary can say what the pipeline's cost on top of inference is made of. Only time in Java code is
 * seen: a thread inside a native method (the JDK's JPEG decoder is libjpeg behind JNI) is not in these
 * samples, so the harness profiles raw-frame points only.
 *
 * <p>A sample belongs to the first frame, from the top of its stack, that names a known part: a
 * sample in {@code Objects.checkIndex} under {@code Gemm.tile4x4} is inference, a sample in
 * {@code StringBuilder.append} under the label JSON is labels.
 */
final class ThreadProfile {

    /** Sampling period; JFR's own "profile" settings use 10 ms. */
    static final Duration PERIOD = Duration.ofMillis(5);

    /** What a classify thread spends its time on. Inference is what the engine-only baseline measures. */
    enum Part {
        INFERENCE("inference"),
        DECODE("decode"),
        PREPROCESS("resize_normalise"),
        LABELS("labels"),
        KAFKA("kafka"),
        FLINK("flink"),
        JOB("job_code"),
        OTHER("other");

        final String column;

        Part(String column) {
            this.column = column;
        }
    }

    private record Rule(String prefix, Part part) {}

    /** Checked in order for each frame: the specific prefixes before the general ones. */
    private static final List<Rule> RULES = List.of(
            new Rule("org.flinkmobilenet.engine.Classifier.top", Part.LABELS),
            new Rule("org.flinkmobilenet.engine.TopK", Part.LABELS),
            new Rule("org.flinkmobilenet.engine.Prediction", Part.LABELS),
            new Rule("org.flinkmobilenet.engine.util.Json", Part.LABELS),
            new Rule("org.flinkmobilenet.engine.image.ImageDecoder", Part.DECODE),
            new Rule("org.flinkmobilenet.engine.image.", Part.PREPROCESS),
            new Rule("org.flinkmobilenet.engine.", Part.INFERENCE),
            new Rule("jdk.incubator.vector.", Part.INFERENCE),
            new Rule("jdk.internal.vm.vector.", Part.INFERENCE),
            new Rule("javax.imageio.", Part.DECODE),
            new Rule("com.sun.imageio.", Part.DECODE),
            new Rule("com.twelvemonkeys.", Part.DECODE),
            new Rule("java.awt.", Part.DECODE),
            new Rule("sun.awt.", Part.DECODE),
            new Rule("org.flinkmobilenet.operators.Label", Part.LABELS), // Label, LabelJson
            new Rule("org.flinkmobilenet.job.LabelSerializer", Part.LABELS),
            new Rule("org.apache.kafka.", Part.KAFKA),
            new Rule("org.apache.flink.", Part.FLINK),
            new Rule("org.flinkmobilenet.", Part.JOB));

    private final Map<Part, Long> counts;
    private final long samples;
    private final int threads;

    private ThreadProfile(Map<Part, Long> counts, long samples, int threads) {
        this.counts = counts;
        this.samples = samples;
        this.threads = threads;
    }

    /** Starts sampling every thread of this JVM; stop and {@link Recording#dump} it, then {@link #read}. */
    static Recording start(String name) {
        Recording r = new Recording();
        r.setName(name);
        r.enable("jdk.ExecutionSample").withPeriod(PERIOD);
        r.setToDisk(true);
        r.start();
        return r;
    }

    /** The samples of the threads whose name {@code threads} accepts, from a recording file. */
    static ThreadProfile read(Path file, Predicate<String> threads) throws IOException {
        Map<Part, Long> counts = new EnumMap<>(Part.class);
        for (Part p : Part.values()) {
            counts.put(p, 0L);
        }
        long samples = 0;
        Set<Long> seen = new HashSet<>();
        try (RecordingFile f = new RecordingFile(file)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedThread t = e.getThread("sampledThread");
                if (t == null || t.getJavaName() == null || !threads.test(t.getJavaName())) {
                    continue;
                }
                seen.add(t.getJavaThreadId());
                samples++;
                counts.merge(part(frames(e.getStackTrace())), 1L, Long::sum);
            }
        }
        return new ThreadProfile(counts, samples, seen.size());
    }

    /** The part a stack (class.method names, top first) belongs to. */
    static Part part(List<String> frames) {
        for (String frame : frames) {
            for (Rule rule : RULES) {
                if (frame.startsWith(rule.prefix)) {
                    return rule.part;
                }
            }
        }
        return Part.OTHER;
    }

    private static List<String> frames(RecordedStackTrace stack) {
        List<String> out = new ArrayList<>();
        if (stack != null) {
            for (RecordedFrame f : stack.getFrames()) {
                if (f.getMethod() != null && f.getMethod().getType() != null) {
                    out.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
                }
            }
        }
        return out;
    }

    long samples() {
        return samples;
    }

    /** How many distinct threads the samples came from. */
    int threads() {
        return threads;
    }

    long count(Part p) {
        return counts.get(p);
    }

    /** Share of the samples in {@code p}, NaN without samples. */
    double share(Part p) {
        return samples == 0 ? Double.NaN : (double) counts.get(p) / samples;
    }
}
