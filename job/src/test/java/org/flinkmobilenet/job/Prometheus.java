package org.flinkmobilenet.job;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the MiniCluster's metrics the way Prometheus does: over HTTP from Flink's Prometheus reporter. */
final class Prometheus {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    final int port = freePort();

    /** Cluster configuration that starts the reporter on {@link #port}. */
    Map<String, String> reporterConfig() {
        return Map.of("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                "metrics.reporter.prom.port", Integer.toString(port));
    }

    String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    /** The sum of a metric's samples whose labels contain every one of {@code labels} (e.g. reason="stale"). */
    static double sum(String exposition, String name, List<String> labels) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name)
                    && labels.stream().allMatch(l -> m.group(2) != null && m.group(2).contains(l))) {
                total += Double.parseDouble(m.group(3));
            }
        }
        return total;
    }

    /** The lines that mention {@code part}, for failure messages. */
    static String lines(String exposition, String part) {
        StringBuilder b = new StringBuilder();
        for (String line : exposition.split("\n")) {
            if (line.contains(part) && !line.startsWith("#")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
