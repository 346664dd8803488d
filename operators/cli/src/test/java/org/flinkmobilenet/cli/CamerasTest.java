package org.flinkmobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The camera simulator's and the labels watcher's own logic, without Kafka (the deploy/checks
 * end-to-end test runs both against a real broker and cluster): the frames they make, the label
 * JSON they read, the accounting behind the summary, and the Prometheus check over real HTTP.
 */
class CamerasTest {

    private static final Path IMAGES = Path.of(System.getProperty("mobilenet.repo.root", "../..")).resolve("test-images");

    @Test
    void framesAreJpegsOfEveryPhotoWithAKnownClass() throws Exception {
        List<CamerasPhotos.Photo> photos = CamerasPhotos.load(CamerasPhotos.defaultFiles(IMAGES), 320, 0.9f);
        assertEquals(CamerasPhotos.KNOWN.size(), photos.size());
        for (CamerasPhotos.Photo p : photos) {
            assertEquals((byte) 0xFF, p.jpeg()[0], p.name());
            assertEquals((byte) 0xD8, p.jpeg()[1], p.name() + " starts with a JPEG SOI marker");
            assertEquals(320, Math.max(p.width(), p.height()), p.name() + " is scaled to the longest side");
            assertEquals(CamerasPhotos.KNOWN.get(p.name()), p.expectedLabel());
        }
    }

    @Test
    void classNamesCompareByTheirFirstName() {
        assertTrue(CamerasPhotos.sameClass("hotdog, hot dog, red hot", "hotdog"));
        assertTrue(CamerasPhotos.sameClass("Egyptian_cat", "egyptian cat"));
        assertFalse(CamerasPhotos.sameClass("tiger cat", "Egyptian cat"));
        assertFalse(CamerasPhotos.sameClass(null, "macaw"));
    }

    @Test
    void readsTheLabelTopicsJson() {
        Object label = CamerasJson.parse("{\"camera_id\":\"cam-\\u0031\",\"frame_seq\":12,\"capture_ts\":1700000000123,"
                + "\"model\":\"m\",\"top\":[{\"index\":286,\"label\":\"Egyptian cat\",\"score\":0.87},"
                + "{\"index\":283,\"label\":\"tiger \\\"cat\\\"\",\"score\":9.2e-2}],\"inference_ms\":12.5,"
                + "\"end_to_end_ms\":40,\"ok\":true,\"none\":null}");
        assertEquals("cam-1", CamerasJson.at(label, "camera_id"));
        assertEquals(12.0, CamerasJson.at(label, "frame_seq"));
        assertEquals(1700000000123.0, CamerasJson.at(label, "capture_ts"));
        assertEquals("Egyptian cat", CamerasJson.at(label, "top.0.label"));
        assertEquals("tiger \"cat\"", CamerasJson.at(label, "top.1.label"));
        assertEquals(0.092, (Double) CamerasJson.at(label, "top.1.score"), 1e-12);
        assertEquals(Boolean.TRUE, CamerasJson.at(label, "ok"));
        assertNull(CamerasJson.at(label, "top.2.label"));
        for (String bad : List.of("", "{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "{\"a\":1} x", "\"\\q\"", "tru")) {
            assertThrows(IllegalArgumentException.class, () -> CamerasJson.parse(bad), bad);
        }
    }

    @Test
    void tallyCountsEachFrameOnceAndChecksClasses() {
        CamerasTally t = new CamerasTally();
        for (int seq = 0; seq < 4; seq++) {
            t.frame("cam-1", Integer.toString(seq), Long.toString(1000 + seq * 100), seq == 3 ? null : "macaw", 1000 + seq * 100);
        }
        assertFalse(t.settled());
        assertTrue(t.label("cam-1", "0", "macaw", 10, 2000).fresh());
        assertEquals("macaw", t.label("cam-1", "1", "lorikeet", 20, 2500).expected());
        assertFalse(t.label("cam-1", "1", "lorikeet", 20, 2600).fresh(), "a repeated label counts once");
        assertTrue(t.deadLetter("cam-1", "2", "frames-dlq/0@7", "corrupt", 2700));
        assertFalse(t.deadLetter("cam-1", "2", "frames-dlq/0@8", "corrupt", 2800));
        assertFalse(t.settled(), "frame 3 has no outcome yet");
        t.label("cam-1", "3", "packet", 30, 3000);
        assertTrue(t.settled());

        assertEquals(4, t.framesIn());
        assertEquals(3, t.labelsOut());
        assertEquals(1, t.deadLetters());
        assertEquals(1, t.duplicates());
        assertEquals(Map.of("corrupt", 1), t.reasons());
        CamerasTally.Classes c = t.classes();
        assertEquals(2, c.known(), "frame 3's photo has no known class");
        assertEquals(1, c.correct());
        assertEquals(List.of("cam-1#1: lorikeet, expected macaw"), c.mismatches());
        // Nearest rank over {10, 20, 30}; 3 labels from the first capture (1000) to the last label (3000).
        assertEquals(20, t.latencyQuantile(0.5));
        assertEquals(30, t.latencyQuantile(0.99));
        assertEquals(1.5, t.fps(), 1e-9);
    }

    @Test
    void prometheusCheckFindsTheJobsMetricsOverHttp() throws Exception {
        String jm = "flink_jobmanager_numRegisteredTaskManagers{host=\"localhost\",} 2.0\n"
                + "flink_jobmanager_numRunningJobs{host=\"localhost\",} 1.0\n";
        String tm = "# TYPE x gauge\n"
                + CamerasPrometheus.FRAMES_IN + "{subtask_index=\"0\",} 7.0\n"
                + CamerasPrometheus.LABELS_OUT + "{subtask_index=\"0\",} 5.0\n"
                + CamerasPrometheus.LABELS_OUT + "{subtask_index=\"1\",} 1.0\n"
                + CamerasPrometheus.DEAD_LETTERS + "{reason=\"corrupt\",subtask_index=\"0\",} 1.0\n"
                + CamerasPrometheus.END_TO_END + "{quantile=\"0.5\",} 40.0\n"
                + CamerasPrometheus.END_TO_END + "{quantile=\"0.99\",} 90.0\n"
                + CamerasPrometheus.INFERENCE + "{quantile=\"0.5\",} 12.0\n";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (Map.Entry<String, String> e : Map.of("/jm", jm, "/tm", tm, "/bare", "flink_taskmanager_Status_JVM_CPU_Load 0.1\n").entrySet()) {
            server.createContext(e.getKey(), x -> {
                byte[] body = e.getValue().getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
                x.close();
            });
        }
        server.start();
        try {
            String base = "http://localhost:" + server.getAddress().getPort();
            CamerasPrometheus.Report ok = CamerasPrometheus.check(List.of(base + "/jm", base + "/tm"));
            assertEquals(List.of(), ok.problems());
            assertEquals(7, ok.framesIn());
            assertEquals(6, ok.labelsOut());
            assertEquals(1, ok.deadLetters());
            assertTrue(ok.lines().get(1).contains("p50 40 ms / p99 90 ms"), ok.lines().toString());

            CamerasPrometheus.Report bare = CamerasPrometheus.check(List.of(base + "/jm", base + "/bare", base + "/missing"));
            assertEquals(2, bare.problems().size(), bare.problems().toString());
            assertTrue(bare.problems().get(0).contains("lacks [" + CamerasPrometheus.FRAMES_IN), bare.problems().toString());
            assertTrue(bare.problems().get(1).contains("did not answer"), bare.problems().toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8), e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Main.run(new String[] {"cameras", "--bootstrap-servers", "localhost:1", "--fps", "0"}, o, e));
        assertEquals(2, Main.run(new String[] {"labels", "--bootstrap-servers", "localhost:1", "--from", "middle"}, o, e));
        assertEquals(2, Main.run(new String[] {"cameras"}, o, e), "--bootstrap-servers is required");
        assertEquals(0, Main.run(new String[] {"labels", "--help"}, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"latency_p99_ms\""), "the help names the summary JSON");
    }
}
