package org.flinkmobilenet.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flinkmobilenet.operators.MobileNetMetrics;

/**
 * The pipeline's metrics as Flink's Prometheus reporter names them: the operator scope, the
 * {@value MobileNetMetrics#GROUP} group, then the metric (dead letters under their reason group).
 */
final class MetricNames {

    static final String OPERATOR_SCOPE = "flink_taskmanager_job_task_operator_";
    static final String PREFIX = OPERATOR_SCOPE + MobileNetMetrics.GROUP + "_";
    static final String FRAMES_IN = PREFIX + MobileNetMetrics.FRAMES_IN;
    static final String LABELS_OUT = PREFIX + MobileNetMetrics.LABELS_OUT;
    static final String DEAD_LETTERS = PREFIX + MobileNetMetrics.REASON + "_" + MobileNetMetrics.DEAD_LETTERS;
    static final String END_TO_END = PREFIX + MobileNetMetrics.END_TO_END_LATENCY;
    static final String INFERENCE = PREFIX + MobileNetMetrics.INFERENCE_LATENCY;
    static final String BATCH_SIZE = PREFIX + MobileNetMetrics.BATCH_SIZE;
    static final String WARM_UP = PREFIX + MobileNetMetrics.WARM_UP_TIME;
    static final String MODEL_LOAD = PREFIX + MobileNetMetrics.MODEL_LOAD_TIME;

    static final Set<String> ALL = Set.of(FRAMES_IN, LABELS_OUT, DEAD_LETTERS, END_TO_END, INFERENCE, BATCH_SIZE, WARM_UP, MODEL_LOAD);

    private static final Pattern FLINK_METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_]+");

    private MetricNames() {}

    /** Every Flink metric name a PromQL expression (or any text) mentions. */
    static Set<String> mentionedIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = FLINK_METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
