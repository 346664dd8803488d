package org.flinkmobilenet.operators;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Every metric of the pipeline, registered under the operator's group in a {@value #GROUP} subgroup.
 * With Flink's Prometheus reporter a metric {@code NAME} is exported as
 * {@code flink_taskmanager_job_task_operator_mobilenet_NAME} (dead letters as
 * {@code flink_taskmanager_job_task_operator_mobilenet_reason_deadLetters{reason="..."}}), labelled
 * with job, task, operator and subtask.
 *
 * <p>The invariant a dashboard can check: sum of {@value #FRAMES_IN} = sum of {@value #LABELS_OUT}
 * + sum of {@value #DEAD_LETTERS} over all reasons, once the pipeline is idle.
 */
public final class MobileNetMetrics {

    public static final String GROUP = "mobilenet";
    /** Counter, parse operator: records read from the frames topic. */
    public static final String FRAMES_IN = "framesIn";
    /** Counter, classify operator: labels emitted. */
    public static final String LABELS_OUT = "labelsOut";
    /** Counter per reason (both operators), in a {@value #REASON} key/value subgroup. */
    public static final String DEAD_LETTERS = "deadLetters";
    public static final String REASON = "reason";
    /** Histogram, ms: engine time of one batch. */
    public static final String INFERENCE_LATENCY = "inferenceLatencyMs";
    /** Histogram, ms: capture-ts to label, per frame. */
    public static final String END_TO_END_LATENCY = "endToEndLatencyMs";
    /** Histogram: frames per engine run. */
    public static final String BATCH_SIZE = "batchSize";
    /** Gauge, ms: this slot's warm-up before its first frame. */
    public static final String WARM_UP_TIME = "warmUpMs";
    /** Gauge, ms: loading and packing the model (once per TaskManager; slots that shared it report the same). */
    public static final String MODEL_LOAD_TIME = "modelLoadMs";

    /** Samples each histogram keeps for its quantiles. */
    static final int HISTOGRAM_WINDOW = 1024;

    private final Counter framesIn;
    private final Counter labelsOut;
    private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);
    private final Histogram inferenceLatency;
    private final Histogram endToEndLatency;
    private final Histogram batchSize;
    private volatile double warmUpMs;
    private volatile double modelLoadMs;

    private MobileNetMetrics(MetricGroup operator, boolean codec, boolean classifier) {
        MetricGroup group = operator.addGroup(GROUP);
        framesIn = codec ? group.counter(FRAMES_IN) : null;
        labelsOut = classifier ? group.counter(LABELS_OUT) : null;
        for (DeadLetterReason r : DeadLetterReason.values()) {
            boolean codecReason = r == DeadLetterReason.MISSING_HEADER || r == DeadLetterReason.BAD_HEADER
                    || r == DeadLetterReason.UNSUPPORTED_FORMAT || r == DeadLetterReason.TOO_LARGE;
            boolean classifierReason = !codecReason || r == DeadLetterReason.TOO_LARGE; // too-large: bytes, or pixels
            if (codec && codecReason || classifier && classifierReason) {
                deadLetters.put(r, group.addGroup(REASON, r.code).counter(DEAD_LETTERS));
            }
        }
        if (classifier) {
            inferenceLatency = group.histogram(INFERENCE_LATENCY, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
            endToEndLatency = group.histogram(END_TO_END_LATENCY, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
            batchSize = group.histogram(BATCH_SIZE, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
            group.gauge(WARM_UP_TIME, () -> warmUpMs);
            group.gauge(MODEL_LOAD_TIME, () -> modelLoadMs);
        } else {
            inferenceLatency = endToEndLatency = batchSize = null;
        }
    }

    /** The metrics of the operator that reads headers: frames in, and its dead-letter reasons. */
    public static MobileNetMetrics forCodec(MetricGroup operator) {
        return new MobileNetMetrics(operator, true, false);
    }

    /** The metrics of the classify operator. */
    public static MobileNetMetrics forClassifier(MetricGroup operator) {
        return new MobileNetMetrics(operator, false, true);
    }

    public void frameIn() {
        framesIn.inc();
    }

    public void labelOut(long endToEndMs) {
        labelsOut.inc();
        endToEndLatency.update(endToEndMs);
    }

    public void deadLetter(DeadLetterReason reason) {
        Counter c = deadLetters.get(reason);
        if (c == null) {
            throw new IllegalStateException("no dead-letter counter for " + reason.code + " in this operator");
        }
        c.inc();
    }

    public void batch(int frames, double engineMs) {
        batchSize.update(frames);
        inferenceLatency.update(Math.round(engineMs));
    }

    public void warmedUp(double ms) {
        warmUpMs = ms;
    }

    public void modelLoaded(double ms) {
        modelLoadMs = ms;
    }
}
