package org.flinkmobilenet.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's Prometheus reporter on one address. Flink 2.2's {@code PrometheusReporterFactory} has only a
 * {@code port} option and its HTTP server listens on every interface; this one takes a {@code host}
 * as well:
 *
 * <pre>
 * metrics.reporter.prom.factory.class: org.flinkmobilenet.metrics.BoundPrometheusReporterFactory
 * metrics.reporter.prom.host: localhost          # or an interface's address; 0.0.0.0 for every interface
 * metrics.reporter.prom.port: 9249-9259          # a port or a range, as for Flink's reporter
 * </pre>
 *
 * The metrics, their names and labels are Flink's own (the reporter extends Flink's
 * {@code AbstractPrometheusReporter}); only where it listens differs. The jar goes on the cluster's
 * class path (Flink's lib/), next to flink-metrics-prometheus.
 */
public final class BoundPrometheusReporterFactory implements MetricReporterFactory {

    static final String ARG_HOST = "host";
    static final String ARG_PORT = "port";
    static final String DEFAULT_HOST = "localhost";
    static final String DEFAULT_PORT = "9249";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        String host = properties.getProperty(ARG_HOST, DEFAULT_HOST).strip();
        return new BoundPrometheusReporter(host, ports(properties.getProperty(ARG_PORT, DEFAULT_PORT)));
    }

    /** "9249", "9249-9259" or "9249,9251-9253", in order. */
    static List<Integer> ports(String spec) {
        List<Integer> ports = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] range = part.strip().split("-", 2);
            int from = Integer.parseInt(range[0].strip());
            int to = range.length == 2 ? Integer.parseInt(range[1].strip()) : from;
            if (from < 0 || to > 65535 || from > to) {
                throw new IllegalArgumentException("bad port range '" + part + "' in '" + spec + "'");
            }
            for (int p = from; p <= to; p++) {
                ports.add(p);
            }
        }
        return ports;
    }
}
