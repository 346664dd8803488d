package org.flinkmobilenet.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrapes Flink's Prometheus reporter endpoints the way a Prometheus server does and checks that the
 * job's metrics are exported: the JobManager's cluster gauges, and on the TaskManagers the pipeline's
 * counters and latency histograms (names from the operators' MobileNetMetrics, as the Prometheus
 * reporter spells them).
 */
final class CamerasPrometheus {

    static final String TM_PREFIX = "flink_taskmanager_job_task_operator_mobilenet_";
    static final String FRAMES_IN = TM_PREFIX + "framesIn";
    static final String LABELS_OUT = TM_PREFIX + "labelsOut";
    static final String DEAD_LETTERS = TM_PREFIX + "reason_deadLetters";
    static final String END_TO_END = TM_PREFIX + "endToEndLatencyMs";
    static final String INFERENCE = TM_PREFIX + "inferenceLatencyMs";
    static final String REGISTERED_TMS = "flink_jobmanager_numRegisteredTaskManagers";
    static final String RUNNING_JOBS = "flink_jobmanager_numRunningJobs";

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    /** What one scrape found. {@code error} is set when the endpoint did not answer. */
    record Scrape(String url, String text, String error) {

        boolean isJobManager() {
            return text != null && text.contains("flink_jobmanager_");
        }

        double sum(String metric, String labelPart) {
            return CamerasPrometheus.sum(text == null ? "" : text, metric, labelPart);
        }

        boolean has(String metric) {
            return text != null && CamerasPrometheus.count(text, metric) > 0;
        }
    }

    /** The outcome: one line per endpoint for people, the problems found, and the summed counters. */
    record Report(List<String> lines, List<String> problems, double framesIn, double labelsOut, double deadLetters) {}

    private CamerasPrometheus() {}

    static Scrape scrape(String url) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return new Scrape(url, null, "HTTP " + r.statusCode());
            }
            return new Scrape(url, r.body(), null);
        } catch (IOException | IllegalArgumentException e) {
            return new Scrape(url, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Scrape(url, null, "interrupted");
        }
    }

    static Report check(List<String> urls) {
        List<String> lines = new ArrayList<>(), problems = new ArrayList<>();
        double framesIn = 0, labelsOut = 0, dead = 0;
        int taskManagers = 0, jobManagers = 0;
        for (String url : urls) {
            Scrape s = scrape(url);
            if (s.error() != null) {
                problems.add(url + " did not answer: " + s.error());
                lines.add(url + "  (no answer: " + s.error() + ")");
                continue;
            }
            if (s.isJobManager()) {
                jobManagers++;
                double tms = s.sum(REGISTERED_TMS, null), jobs = s.sum(RUNNING_JOBS, null);
                lines.add(String.format(Locale.ROOT, "%s  jobmanager: %.0f TaskManagers registered, %.0f job(s) running",
                        url, tms, jobs));
                if (!s.has(REGISTERED_TMS)) {
                    problems.add(url + " has no " + REGISTERED_TMS);
                }
                continue;
            }
            taskManagers++;
            List<String> missing = new ArrayList<>();
            for (String m : List.of(FRAMES_IN, LABELS_OUT, DEAD_LETTERS, END_TO_END, INFERENCE)) {
                if (!s.has(m)) {
                    missing.add(m);
                }
            }
            double f = s.sum(FRAMES_IN, null), l = s.sum(LABELS_OUT, null), d = s.sum(DEAD_LETTERS, null);
            framesIn += f;
            labelsOut += l;
            dead += d;
            lines.add(String.format(Locale.ROOT, "%s  taskmanager: framesIn %.0f, labelsOut %.0f, deadLetters %.0f, "
                    + "end-to-end p50 %s ms / p99 %s ms", url, f, l, d,
                    quantile(s, END_TO_END, "0.5"), quantile(s, END_TO_END, "0.99")));
            if (!missing.isEmpty()) {
                problems.add(url + " lacks " + missing);
            }
        }
        if (jobManagers == 0) {
            problems.add("no JobManager endpoint among " + urls);
        }
        if (taskManagers == 0) {
            problems.add("no TaskManager endpoint among " + urls);
        }
        return new Report(lines, problems, framesIn, labelsOut, dead);
    }

    /** The largest value of a summary's quantile over subtasks (the slowest slot), or "-". */
    private static String quantile(Scrape s, String metric, String q) {
        double max = Double.NaN;
        for (String line : s.text().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(metric) && m.group(2) != null
                    && m.group(2).contains("quantile=\"" + q + "\"")) {
                double v = Double.parseDouble(m.group(3));
                if (Double.isFinite(v) && !(v <= max)) {
                    max = v;
                }
            }
        }
        return Double.isNaN(max) ? "-" : String.format(Locale.ROOT, "%.0f", max);
    }

    /** Sum of a metric's samples, only those whose labels contain {@code labelPart} when it is given. */
    static double sum(String exposition, String metric, String labelPart) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(metric)
                    && (labelPart == null || (m.group(2) != null && m.group(2).contains(labelPart)))) {
                double v = Double.parseDouble(m.group(3));
                if (Double.isFinite(v)) {
                    total += v;
                }
            }
        }
        return total;
    }

    static int count(String exposition, String metric) {
        int n = 0;
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(metric)) {
                n++;
            }
        }
        return n;
    }
}
