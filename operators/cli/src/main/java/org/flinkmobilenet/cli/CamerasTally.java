package org.flinkmobilenet.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the labels watcher has seen, per frame (camera id and sequence number): frames in, their
 * labels and dead letters counted once each, latencies, and the top-1 class against the photo's
 * known class. Not thread-safe: one consumer thread feeds it.
 */
final class CamerasTally {

    /** A label as recorded: fresh unless this frame had one already; expected is the photo's class, if known yet. */
    record Outcome(boolean fresh, String expected) {}

    /** Labels of photos with a known class, how many were that class, and the first few that were not. */
    record Classes(int known, int correct, List<String> mismatches) {}

    private static final String NO_EXPECTATION = "";

    /** (camera#seq) → the photo's expected label, or NO_EXPECTATION. */
    private final Map<String, String> frames = new HashMap<>();
    /** (camera#seq) → top-1 label. */
    private final Map<String, String> labels = new HashMap<>();
    private final Map<String, String> deadLetters = new HashMap<>();
    private final Map<String, Integer> reasons = new TreeMap<>();
    private long[] latencies = new long[1024];
    private int latencyCount;
    private long duplicates;
    private long malformed;
    private long firstCaptureMs = Long.MAX_VALUE;
    private long lastLabelMs;
    private long lastFrameMs;
    // For the running rate: labels out at the previous progress line, and when.
    private long labelsAtLastLine;
    private long lastLineMs = System.currentTimeMillis();

    static String key(String camera, String seq) {
        return camera + "#" + seq;
    }

    void frame(String camera, String seq, String captureTs, String expectedLabel, long now) {
        frames.putIfAbsent(key(camera, seq), expectedLabel == null ? NO_EXPECTATION : expectedLabel);
        lastFrameMs = now;
        if (captureTs != null) {
            try {
                firstCaptureMs = Math.min(firstCaptureMs, Long.parseLong(captureTs));
            } catch (NumberFormatException e) {
                // a frame the job will send to the dead-letter topic; it has no capture time to count from
            }
        }
    }

    Outcome label(String camera, String seq, String top1, long latencyMs, long now) {
        String k = key(camera, seq);
        if (labels.containsKey(k)) {
            duplicates++;
            return new Outcome(false, null);
        }
        labels.put(k, top1);
        lastLabelMs = Math.max(lastLabelMs, now);
        if (latencyMs >= 0) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = latencyMs;
        }
        String expected = frames.get(k);
        return new Outcome(true, expected == null || expected.equals(NO_EXPECTATION) ? null : expected);
    }

    /** Returns true the first time a frame's dead letter is seen; {@code fallbackKey} counts letters without a camera. */
    boolean deadLetter(String camera, String seq, String fallbackKey, String reason, long now) {
        String k = camera != null && seq != null ? key(camera, seq) : fallbackKey;
        if (deadLetters.putIfAbsent(k, reason == null ? "?" : reason) != null) {
            return false;
        }
        reasons.merge(reason == null ? "?" : reason, 1, Integer::sum);
        lastLabelMs = Math.max(lastLabelMs, now);
        return true;
    }

    void malformed() {
        malformed++;
    }

    long framesIn() {
        return frames.size();
    }

    long labelsOut() {
        return labels.size();
    }

    long deadLetters() {
        return deadLetters.size();
    }

    long duplicates() {
        return duplicates;
    }

    long malformedLabels() {
        return malformed;
    }

    Map<String, Integer> reasons() {
        return reasons;
    }

    long lastFrameMs() {
        return lastFrameMs;
    }

    /** True when every frame seen has a label or a dead letter. */
    boolean settled() {
        for (String k : frames.keySet()) {
            if (!labels.containsKey(k) && !deadLetters.containsKey(k)) {
                return false;
            }
        }
        return true;
    }

    /** Labels out per second from the first frame's capture to the last label read. */
    double fps() {
        if (labels.isEmpty() || firstCaptureMs == Long.MAX_VALUE || lastLabelMs <= firstCaptureMs) {
            return 0;
        }
        return labels.size() / ((lastLabelMs - firstCaptureMs) / 1000.0);
    }

    /** Nearest-rank quantile of the latencies in ms (q = 1 is the maximum); NaN when there are none. */
    double latencyQuantile(double q) {
        if (latencyCount == 0) {
            return Double.NaN;
        }
        long[] s = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(s);
        int rank = (int) Math.ceil(q * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    Classes classes() {
        int known = 0, correct = 0;
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String expected = frames.get(e.getKey());
            if (expected == null || expected.equals(NO_EXPECTATION)) {
                continue;
            }
            known++;
            if (CamerasPhotos.sameClass(e.getValue(), expected)) {
                correct++;
            } else if (mismatches.size() < 5) {
                mismatches.add(e.getKey() + ": " + e.getValue() + ", expected " + expected);
            }
        }
        return new Classes(known, correct, mismatches);
    }

    String progressLine(double seconds, long now) {
        double window = (now - lastLineMs) / 1000.0;
        double rate = window <= 0 ? Double.NaN : (labels.size() - labelsAtLastLine) / window;
        labelsAtLastLine = labels.size();
        lastLineMs = now;
        return String.format(Locale.ROOT, "-- %5.0f s  frames %d  labels %d  dead letters %d  | %s labels/s  "
                        + "| latency p50 %s ms  p99 %s ms", seconds, framesIn(), labelsOut(), deadLetters(),
                Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.1f", rate),
                ms(latencyQuantile(0.5)), ms(latencyQuantile(0.99)));
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }
}
