package org.flinkmobilenet.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.apache.flink.metrics.MetricConfig;
import org.junit.jupiter.api.Test;

class BoundPrometheusReporterTest {

    @Test
    void listensOnTheConfiguredAddressOnly() throws Exception {
        int port = freePort();
        BoundPrometheusReporter reporter = create("127.0.0.1", Integer.toString(port));
        try {
            assertEquals(new InetSocketAddress("127.0.0.1", port), reporter.address());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            // Every other address of this machine is refused: nothing listens there.
            List<InetAddress> others = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(NetworkInterface::inetAddresses).filter(a -> !a.isLoopbackAddress()).toList();
            for (InetAddress other : others) {
                assertThrows(IOException.class, () -> new Socket(other, port).close(), other + " must not answer");
            }
            assertTrue(!others.isEmpty() || reporter.address().getAddress().isLoopbackAddress());
        } finally {
            reporter.close();
        }
    }

    @Test
    void takesTheFirstFreePortOfTheRange() throws Exception {
        int first = freePort();
        try (ServerSocket taken = new ServerSocket(first, 1, InetAddress.getByName("127.0.0.1"))) {
            BoundPrometheusReporter reporter = create("localhost", first + "-" + (first + 5));
            try {
                assertTrue(reporter.address().getPort() > first && reporter.address().getPort() <= first + 5,
                        reporter.address().toString());
            } finally {
                reporter.close();
            }
        }
    }

    @Test
    void parsesPortsAndRefusesNonsense() {
        assertEquals(List.of(9249), BoundPrometheusReporterFactory.ports("9249"));
        assertEquals(List.of(9249, 9250, 9251, 9260), BoundPrometheusReporterFactory.ports("9249-9251, 9260"));
        assertThrows(IllegalArgumentException.class, () -> BoundPrometheusReporterFactory.ports("9251-9249"));
        assertThrows(IllegalArgumentException.class, () -> create("no-such-host.invalid", "9249"));
    }

    private static BoundPrometheusReporter create(String host, String ports) {
        Properties config = new MetricConfig();
        config.setProperty(BoundPrometheusReporterFactory.ARG_HOST, host);
        config.setProperty(BoundPrometheusReporterFactory.ARG_PORT, ports);
        return (BoundPrometheusReporter) new BoundPrometheusReporterFactory().createMetricReporter(config);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
