package org.flinkmobilenet.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flinkmobilenet.engine.TestData;
import org.flinkmobilenet.engine.builder.MobileNetV1Builder;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.GraphBuilder;
import org.flinkmobilenet.engine.graph.InputNormalization;
import org.flinkmobilenet.engine.graph.Node;
import org.flinkmobilenet.engine.graph.Padding;
import org.flinkmobilenet.engine.graph.Reshape;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.graph.Softmax;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Export, then import: the same layers with bit-identical weights, geometry and clamps, the same
 * normalisation, labels and synthetic flag, and so bit-identical outputs on the reference kernels.
 */
class OnnxRoundTripTest {

    private static Graph load(String which) throws Exception {
        return switch (which) {
            case "flagship" -> ModelFiles.load(TestData.flagship());
            case "v1-0.25-float" -> ModelFiles.load(TestData.model("mobilenet_v1/mobilenet_v1_0.25_224_1_default_1.tflite").toString());
            case "v2-quant" -> ModelFiles.load(TestData.model("mobilenet_v2/mobilenet_v2_1.0_224_quant.tflite").toString());
            case "builder" -> new MobileNetV1Builder().alpha(0.5).resolution(160).seed(3).build();
            default -> throw new IllegalArgumentException(which);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flagship", "v1-0.25-float", "v2-quant", "builder"})
    void exportThenImportGivesTheSameNetwork(String which, @TempDir Path dir) throws Exception {
        Graph original = load(which);
        Path file = dir.resolve(which + ".onnx");
        OnnxExporter.write(original, file);
        Graph imported = ModelFiles.load(file.toString());

        assertSameLayers(original, imported);
        assertArrayEquals(original.normalization().mean(), imported.normalization().mean());
        assertArrayEquals(original.normalization().std(), imported.normalization().std());
        assertEquals(original.labels(), imported.labels());
        assertEquals(original.synthetic(), imported.synthetic());
        assertEquals(original.inputShape(), imported.inputShape());
        assertEquals(original.outputShape(), imported.outputShape());
        assertEquals(original.outputIsProbabilities(), imported.outputIsProbabilities());

        String photo = which.equals("builder") ? "coral_bird.bmp" : "coral_cat.bmp";
        float[] a = OnnxTestSupport.runEngine(OnnxTestSupport.reference(original), OnnxTestSupport.photo(original, photo));
        float[] b = OnnxTestSupport.runEngine(OnnxTestSupport.reference(imported), OnnxTestSupport.photo(imported, photo));
        assertArrayEquals(a, b, 0f, which + ": outputs after export and import");
        if (!which.equals("builder")) {
            assertEquals(286, OnnxTestSupport.topK(b, 1).get(0), which + ": the cat is still an Egyptian cat");
        }
    }

    /** Layers with weights, in order, compared field by field; reshapes between vectors need no ONNX op. */
    private static void assertSameLayers(Graph expected, Graph actual) {
        List<Node> e = layers(expected), a = layers(actual);
        assertEquals(e.size(), a.size(), "layer count: " + a);
        for (int i = 0; i < e.size(); i++) {
            Node x = e.get(i), y = a.get(i);
            String where = "layer " + i + " (" + x.name() + ")";
            assertEquals(x.getClass(), y.getClass(), where);
            if (x instanceof Conv2d c) {
                Conv2d d = (Conv2d) y;
                assertEquals(c.geometry(), d.geometry(), where);
                assertEquals(c.activation(), d.activation(), where);
                assertArrayEquals(c.weights(), d.weights(), 0f, where);
                assertArrayEquals(c.bias(), d.bias(), 0f, where);
            } else if (x instanceof DepthwiseConv2d c) {
                DepthwiseConv2d d = (DepthwiseConv2d) y;
                assertEquals(c.geometry(), d.geometry(), where);
                assertEquals(c.activation(), d.activation(), where);
                assertArrayEquals(c.weights(), d.weights(), 0f, where);
                assertArrayEquals(c.bias(), d.bias(), 0f, where);
            } else if (x instanceof FullyConnected c) {
                FullyConnected d = (FullyConnected) y;
                assertEquals(c.activation(), d.activation(), where);
                assertArrayEquals(c.weights(), d.weights(), 0f, where);
                assertArrayEquals(c.bias(), d.bias(), 0f, where);
            } else if (x instanceof AvgPool c) {
                assertEquals(c.geometry(), ((AvgPool) y).geometry(), where);
                assertEquals(c.activation(), ((AvgPool) y).activation(), where);
            } else if (x instanceof Add c) {
                assertEquals(c.activation(), ((Add) y).activation(), where);
            } else if (x instanceof Softmax c) {
                assertEquals(c.beta(), ((Softmax) y).beta(), where);
            }
        }
    }

    private static List<Node> layers(Graph g) {
        return g.nodes().stream().filter(n -> !(n instanceof Reshape r
                && g.shapeOf(r.input()).h() * g.shapeOf(r.input()).w() == 1 && r.target().h() * r.target().w() == 1))
                .toList();
    }

    /**
     * What the shipped models lack: a reshape that rearranges a map, a dense layer over a map, an Add of
     * vectors, a softmax with beta != 1, clamps open on one side. Checked against ONNX Runtime too.
     */
    @Test
    void unusualGraphRoundTripsAndAgreesWithOnnxRuntime() throws Exception {
        GraphBuilder b = new GraphBuilder("unusual", "pixels", new Shape(6, 6, 3));
        float[] w = OnnxTestSupport.random(41, 4 * 3 * 3 * 3);
        int c = b.conv("conv", GraphBuilder.input(), 3, 2, Padding.SAME, 4, w, OnnxTestSupport.random(42, 4),
                new Activation(-0.25f, Float.POSITIVE_INFINITY));                                    // 3 x 3 x 4
        int r = b.reshape("regroup", c, new Shape(2, 9, 2));
        int dw = b.depthwise("dw", r, 3, 1, Padding.SAME, OnnxTestSupport.random(43, 9 * 2),
                OnnxTestSupport.random(44, 2), new Activation(Float.NEGATIVE_INFINITY, 0.5f));         // 2 x 9 x 2
        int fc1 = b.fullyConnected("fc_over_map", dw, 7, OnnxTestSupport.random(45, 7 * 36),
                OnnxTestSupport.random(46, 7), Activation.RELU);
        int fc2 = b.fullyConnected("fc2", fc1, 7, OnnxTestSupport.random(47, 49), OnnxTestSupport.random(48, 7),
                Activation.NONE);
        int sum = b.add("vector_add", fc1, fc2, Activation.RELU6);
        int out = b.value("probabilities", new Shape(1, 1, 7));
        b.node(new Softmax("softmax", sum, out, 0.5f));
        Graph g = b.build(out, InputNormalization.MINUS_ONE_TO_ONE, List.of("a", "b", "c", "d", "e", "f", "g"), false);

        byte[] bytes = OnnxExporter.export(g);
        Graph imported = OnnxLoader.load("unusual.onnx", bytes, null);
        float[] x = OnnxTestSupport.random(49, g.inputShape().size());
        float[] expected = OnnxTestSupport.runEngine(OnnxTestSupport.reference(g), x);
        float[] again = OnnxTestSupport.runEngine(OnnxTestSupport.reference(imported), x);
        assertEquals(g.labels(), imported.labels());
        float[] ort;
        try (var session = OnnxTestSupport.session(bytes)) {
            ort = OnnxTestSupport.runOrt(session, g.inputShape(), x)[0];
        }
        double diff = OnnxTestSupport.maxAbsDiff(expected, ort);
        assertTrue(diff <= 1e-6, "engine vs onnxruntime: " + diff);
        // Softmax(beta) comes back as a Mul folded into the layer before it: equal up to rounding
        assertArrayEquals(expected, again, 1e-6f, "engine before and after the round trip");
        assertTrue(OnnxTestSupport.maxAbs(expected) > 0.2, "not a degenerate output: " + java.util.Arrays.toString(expected));
    }

    @Test
    void modelFilesRecognisesOnnxByContentWithoutTheExtension(@TempDir Path dir) throws Exception {
        Graph g = new MobileNetV1Builder().alpha(0.25).resolution(64).classes(5).build();
        Path file = dir.resolve("model.bin");
        Files.write(file, OnnxExporter.export(g));
        Graph loaded = ModelFiles.load(file.toString());
        assertEquals(g.nodes().size(), loaded.nodes().size());
        assertTrue(loaded.synthetic());
    }
}
