package org.flinkmobilenet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as users call it: exit codes, one JSON line per image, clear errors. */
class MainTest {

    private static final Path ROOT = Path.of(System.getProperty("mobilenet.repo.root", "../.."));

    record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String path(String first, String... more) {
        return ROOT.resolve(first).resolve(Path.of("", more)).toString();
    }

    @Test
    void classifyPrintsOneJsonLinePerImageAndGoesOnAfterABadOne(@TempDir Path tmp) throws Exception {
        Path broken = tmp.resolve("broken.jpg");
        Files.write(broken, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3});
        String model = path("models", "mobilenet_v1", "mobilenet_v1_0.25_128_quant.tflite");
        Result r = run("classify", "--model", model, "--top", "3",
                path("test-images", "tflite-support_burger.jpg"), broken.toString(),
                path("test-images", "coral_parrot.jpg"), tmp.resolve("missing.png").toString());
        assertEquals(1, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(4, lines.length, r.out());
        assertTrue(lines[0].matches("\\{\"image\": \".*burger.jpg\", \"top\": \\[\\{\"index\": 934, \"label\": \"cheeseburger\", "
                + "\"score\": 0\\.\\d+\\}, \\{.*\\}, \\{.*\\}\\], \"ms\": \\d+(\\.\\d+)?\\}"), lines[0]);
        assertTrue(lines[1].startsWith("{\"image\": \"" + broken + "\", \"error\": \"JPEG"), lines[1]);
        assertTrue(lines[2].contains("\"index\": 89, \"label\": \"macaw\""), lines[2]);
        assertTrue(lines[3].contains("\"error\": \"no such file"), lines[3]);
    }

    @Test
    void classifyChainedFlagshipWithALabelsFile() {
        String model = path("models", "mobilenet_v1", "mobilenet_v1_1.0_224_quant_embedding_extractor.tflite") + ","
                + path("models", "mobilenet_v1", "mobilenet_quant_v1_224_head_layers.tflite");
        Result r = run("classify", "--model", model, "--labels", path("models", "labels", "imagenet_labels_1001_coral.txt"),
                "--top", "1", path("test-images", "coral_cat.bmp"), path("test-images", "coral_sunflower.rgb"));
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[0].contains("\"index\": 286, \"label\": \"Egyptian cat\""), lines[0]);
        assertTrue(lines[1].contains("\"top\": [{\"index\": "), lines[1]);
    }

    @Test
    void badModelExitsWithTwoAndAClearMessage(@TempDir Path tmp) throws Exception {
        Path junk = tmp.resolve("junk.tflite");
        Files.write(junk, "this is not a model".getBytes(StandardCharsets.UTF_8));
        Result r = run("classify", "--model", junk.toString(), path("test-images", "coral_cat.bmp"));
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: " + junk + " (header): not a TFLite model"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void usageErrors() {
        assertEquals(2, run().code());
        assertEquals(0, run("--help").code());
        Result unknown = run("classify", "--model", "x.tflite", "--colour", "red", "a.jpg");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown option --colour"), unknown.err());
        assertEquals(2, run("frobnicate").code());
        assertEquals(0, run("classify", "--help").code());
    }

    @Test
    void profileOfTheBuiltInNetworkAsJson() {
        Result r = run("profile", "--arch", "mobilenet_v1", "--alpha", "1.0", "--resolution", "224", "--runs", "0",
                "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"total\": {\"macs\": 568740352, \"params\": 4209088"), r.out());
        Result bad = run("profile", "--arch", "mobilenet_v1", "--resolution", "100");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("multiple of 32"), bad.err());
    }

    @Test
    void exportOnnxThenClassifyTheExportedFile(@TempDir Path tmp) {
        Path onnx = tmp.resolve("v1-quarter.onnx");
        Result export = run("export-onnx", "--model", path("models", "mobilenet_v1", "mobilenet_v1_0.25_128_quant.tflite"),
                "--out", onnx.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(Files.isRegularFile(onnx));
        assertTrue(export.out().startsWith("{"), export.out());
        Result classify = run("classify", "--model", onnx.toString(), "--top", "1",
                path("test-images", "tflite-support_burger.jpg"));
        assertEquals(0, classify.code(), classify.err());
        assertTrue(classify.out().contains("\"index\": 934"), classify.out());
        Result bad = run("export-onnx", "--arch", "mobilenet_v1", "--resolution", "100", "--out", onnx.toString());
        assertEquals(2, bad.code());
        // the model's own normalisation (its uint8 input: zero point 128, scale 1/128), given explicitly,
        // changes nothing; another one changes the scores
        Result same = run("classify", "--model", onnx.toString(), "--top", "1", "--normalization", "mean=128;std=128",
                path("test-images", "tflite-support_burger.jpg"));
        assertEquals(classify.out().replaceAll("\"ms\": [0-9.]+", ""), same.out().replaceAll("\"ms\": [0-9.]+", ""));
        Result other = run("classify", "--model", onnx.toString(), "--top", "1", "--normalization", "mean=0;std=1",
                path("test-images", "tflite-support_burger.jpg"));
        assertEquals(0, other.code(), other.err());
        assertTrue(!other.out().replaceAll("\"ms\": [0-9.]+", "").equals(same.out().replaceAll("\"ms\": [0-9.]+", "")),
                other.out());
        Result badNorm = run("classify", "--model", onnx.toString(), "--normalization", "sideways",
                path("test-images", "tflite-support_burger.jpg"));
        assertEquals(2, badNorm.code());
        assertTrue(badNorm.err().contains("normalisation 'sideways' is not one of"), badNorm.err());
    }

    @Test
    void profileOfAModelFileAsATable() {
        Result r = run("profile", "--model", path("models", "mobilenet_v2", "mobilenet_v2_1.0_224_quant.tflite"),
                "--runs", "1", "--warmup", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("add "), r.out());
        assertTrue(r.out().contains("total:"), r.out());
    }
}
