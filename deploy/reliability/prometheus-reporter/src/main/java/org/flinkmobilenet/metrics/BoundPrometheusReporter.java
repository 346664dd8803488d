package org.flinkmobilenet.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.List;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;

/**
 * {@code PrometheusReporter} with the listening address chosen: the first free port of the list, on
 * {@code host}. Everything else (collectors, names, labels) is the parent's.
 */
final class BoundPrometheusReporter extends AbstractPrometheusReporter {

    private HTTPServer server;
    private InetSocketAddress address;

    BoundPrometheusReporter(String host, List<Integer> ports) {
        CollectorRegistry registry = registry(this);
        IOException last = null;
        for (int port : ports) {
            InetSocketAddress candidate = new InetSocketAddress(host, port);
            if (candidate.isUnresolved()) {
                throw new IllegalArgumentException("metrics reporter host '" + host + "' does not resolve");
            }
            try {
                server = new HTTPServer(candidate, registry, true);
                address = candidate;
                log.info("Started Prometheus reporter HTTP server on {}:{}.", candidate.getAddress().getHostAddress(), port);
                return;
            } catch (IOException e) {
                last = e;
                log.debug("Could not start Prometheus reporter HTTP server on {}:{}.", host, port, e);
            }
        }
        throw new RuntimeException("Could not start Prometheus reporter HTTP server on " + host + " at any of the ports "
                + ports, last);
    }

    /** Where the server listens. */
    InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }

    /**
     * The parent's registry of collectors, which Flink keeps package-private; Flink's own reporter, in
     * that package, hands it to its HTTP server the same way.
     */
    private static CollectorRegistry registry(AbstractPrometheusReporter reporter) {
        try {
            Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
            f.setAccessible(true);
            return (CollectorRegistry) f.get(reporter);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Flink version's AbstractPrometheusReporter has no 'registry' field", e);
        }
    }
}
