package org.flinkmobilenet.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import java.util.List;
import java.util.Locale;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.GlobalAvgPool;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.InputNormalization;
import org.flinkmobilenet.engine.graph.Node;
import org.flinkmobilenet.engine.graph.Reshape;
import org.flinkmobilenet.engine.graph.Softmax;
import org.flinkmobilenet.engine.onnx.OnnxModel.Attribute;
import org.junit.jupiter.api.Test;

/**
 * ONNX graphs written the way other tools write them (NCHW weights, unfolded BatchNormalization,
 * Clip in both forms, Gemm and MatMul + Add heads, an NHWC input with a Transpose) are imported and
 * run on the engine's reference kernels; ONNX Runtime runs the same bytes, and the two must agree.
 * The weights are seeded; the seed is in each fixture's name.
 */
class OnnxImportTest {

    private static final double TOLERANCE = 1e-5; // these networks are small: few accumulations per output

    /** Imports {@code bytes}, runs both implementations on a seeded input and returns the imported graph. */
    private static Graph agreeWithOnnxRuntime(String what, byte[] bytes, boolean nhwcInput, long seed) throws Exception {
        Graph graph = OnnxLoader.load(what, bytes, null);
        float[] x = OnnxTestSupport.random(seed, graph.inputShape().size());
        float[] engine = OnnxTestSupport.runEngine(OnnxTestSupport.reference(graph), x);
        float[] ort;
        try (OrtSession session = OnnxTestSupport.session(bytes)) {
            ort = nhwcInput ? OnnxTestSupport.runOrtNhwc(session, graph.inputShape(), x)
                    : OnnxTestSupport.runOrt(session, graph.inputShape(), x)[0];
        }
        double diff = OnnxTestSupport.maxAbsDiff(engine, ort);
        System.out.printf(Locale.ROOT, "onnx-import %s: max |difference| %.3g (largest |value| %.3g)%n", what, diff,
                OnnxTestSupport.maxAbs(engine));
        assertTrue(diff <= TOLERANCE, what + " (input seed " + seed + "): max |engine - onnxruntime| = " + diff);
        assertTrue(OnnxTestSupport.maxAbs(engine) > 1e-3, what + ": outputs should not be all zero");
        return graph;
    }

    private static List<Class<?>> kinds(Graph g) {
        return g.nodes().stream().<Class<?>>map(Node::getClass).toList();
    }

    /**
     * torchvision-style: Conv + BatchNormalization + Clip (min/max inputs from initializers and from
     * Constant nodes), a v2 residual, Flatten + Gemm.
     */
    static OnnxFixture pytorchStyle(long seed, boolean softmax) {
        OnnxFixture f = new OnnxFixture("pytorch-style seed " + seed, 13, seed);
        String x = f.input("input", -1, 3, 32, 32);
        String stem = f.clip(f.batchNorm(f.conv(x, 3, 8, 3, 2, 1, 1), 8), 0f, 6f);                 // 8 x 16 x 16
        String e = f.clip(f.batchNorm(f.conv(stem, 8, 16, 1, 1, 0, 1), 16), 0f, 6f);
        String d = f.clipFromConstantNodes(f.batchNorm(f.conv(e, 16, 16, 3, 1, 1, 16), 16), 0f, 6f);  // depthwise
        String p = f.batchNorm(f.conv(d, 16, 8, 1, 1, 0, 1), 8);
        String r = f.node("Add", List.of(stem, p));
        // a 5x5 depthwise convolution with SAME_UPPER padding and no bias, then Relu
        String w5 = f.weights("dw5.weight", 0.3f, 8, 1, 5, 5);
        String d5 = f.node("Conv", "dw5", List.of(r, w5), Attribute.ofInts("kernel_shape", 5, 5),
                Attribute.ofInts("strides", 2, 2), Attribute.ofString("auto_pad", "SAME_UPPER"), Attribute.ofInt("group", 8));
        String a = f.node("Relu", List.of(f.batchNorm(d5, 8)));                                       // 8 x 8 x 8
        String pool = f.node("AveragePool", List.of(a), Attribute.ofInts("kernel_shape", 3, 3),
                Attribute.ofInts("strides", 1, 1), Attribute.ofInts("pads", 1, 1, 1, 1),
                Attribute.ofInt("count_include_pad", 0));
        String flat = f.node("Flatten", List.of(f.node("GlobalAveragePool", List.of(pool))), Attribute.ofInt("axis", 1));
        String logits = f.node("Gemm", "classifier", List.of(flat, f.weights("fc.weight", 0.5f, 10, 8),
                f.weights("fc.bias", 0.5f, 10)), Attribute.ofInt("transB", 1), Attribute.ofFloat("alpha", 0.5f),
                Attribute.ofFloat("beta", 2f));
        String out = softmax ? f.node("Softmax", List.of(logits), Attribute.ofInt("axis", 1)) : logits;
        f.output(out, -1, 10);
        return f;
    }

    @Test
    void pytorchStyleGraphFoldsBatchNormAndClipAndAgrees() throws Exception {
        Graph g = agreeWithOnnxRuntime("pytorch-style opset 13, seed 11", pytorchStyle(11, false).bytes(), false, 101);
        assertEquals(List.of(Conv2d.class, Conv2d.class, DepthwiseConv2d.class, Conv2d.class, Add.class,
                DepthwiseConv2d.class, AvgPool.class, GlobalAvgPool.class, FullyConnected.class), kinds(g),
                "BatchNormalization, Clip and Relu fold into the layers before them");
        assertEquals(Activation.RELU6, ((Conv2d) g.nodes().get(0)).activation());
        assertEquals(Activation.RELU6, ((DepthwiseConv2d) g.nodes().get(2)).activation(), "Clip from Constant nodes");
        assertEquals(Activation.NONE, ((Conv2d) g.nodes().get(3)).activation(), "the projection stays linear");
        DepthwiseConv2d five = (DepthwiseConv2d) g.nodes().get(5);
        assertEquals(5, five.geometry().kh());
        assertEquals(Activation.RELU, five.activation());
        assertEquals(InputNormalization.IMAGENET.toString(), g.normalization().toString(),
                "a file without normalisation metadata gets torchvision's ImageNet statistics");
    }

    @Test
    void softmaxOutputAgrees() throws Exception {
        Graph g = agreeWithOnnxRuntime("pytorch-style with softmax, seed 12", pytorchStyle(12, true).bytes(), false, 102);
        assertTrue(g.outputIsProbabilities());
    }

    /**
     * Opset 9: Clip with min/max attributes (also a general range), a Clip and a BatchNormalization that
     * cannot fold (a shared input, an Add before), ReduceMean + Squeeze, Dropout, MatMul + Add, Softmax
     * with the pre-13 default axis.
     */
    @Test
    void opset9AttributeClipMatMulAndUnfoldableOpsAgree() throws Exception {
        OnnxFixture f = new OnnxFixture("opset 9, seed 21", 9, 21);
        String x = f.input("image", -1, 3, 24, 24);
        String stem = f.clip(f.batchNorm(f.conv(x, 3, 8, 3, 1, 1, 1), 8), 0f, 6f);
        String shared = f.conv(stem, 8, 8, 1, 1, 0, 1);         // read by the Clip and by the Add
        String clipped = f.clip(shared, -0.5f, 0.8f);
        String sum = f.node("Add", List.of(shared, clipped));
        String normed = f.node("Relu", List.of(f.batchNorm(sum, 8)));
        String mean = f.node("ReduceMean", List.of(normed), Attribute.ofInts("axes", 2, 3), Attribute.ofInt("keepdims", 1));
        String vec = f.node("Squeeze", List.of(mean), Attribute.ofInts("axes", 2, 3));
        String dropped = f.node("Dropout", List.of(vec), Attribute.ofFloat("ratio", 0.2f));
        String mm = f.node("MatMul", List.of(dropped, f.weights("head.weight", 0.8f, 8, 6)));
        String logits = f.node("Add", List.of(mm, f.weights("head.bias", 0.5f, 6)));
        String out = f.node("Softmax", List.of(logits));
        f.output(out, -1, 6);
        Graph g = agreeWithOnnxRuntime("opset 9 (attribute Clip, MatMul + Add), seed 21", f.bytes(), false, 201);
        assertEquals(List.of(Conv2d.class, Conv2d.class, DepthwiseConv2d.class, Add.class, DepthwiseConv2d.class,
                GlobalAvgPool.class, FullyConnected.class, Softmax.class), kinds(g));
        assertEquals(new Activation(-0.5f, 0.8f), ((DepthwiseConv2d) g.nodes().get(2)).activation(),
                "a clip whose input has two readers becomes its own (1x1 depthwise) layer");
        assertEquals(Activation.RELU, ((DepthwiseConv2d) g.nodes().get(4)).activation(),
                "BatchNormalization after an Add becomes a 1x1 depthwise layer that takes the Relu");
    }

    /**
     * Keras-converter style at opset 17: an NHWC input and a Transpose, a Mul by a per-channel constant,
     * a Reshape that flattens a 10 x 10 map (ONNX orders those features c, h, w; the engine h, w, c),
     * Gemm without transB, Unsqueeze/Reshape round trip on the output.
     */
    @Test
    void nhwcInputAndFlattenedMapAgree() throws Exception {
        OnnxFixture f = new OnnxFixture("keras-style opset 17, seed 31", 17, 31);
        String x = f.input("input_1", -1, 20, 20, 3);
        String nchw = f.node("Transpose", List.of(x), Attribute.ofInts("perm", 0, 3, 1, 2));
        String c = f.node("Relu", List.of(f.conv(nchw, 3, 4, 3, 2, 1, 1)));                     // 4 x 10 x 10
        String scaled = f.node("Mul", List.of(c, f.uniform("scale", 0.5f, 2f, 1, 4, 1, 1)));
        String flat = f.node("Reshape", List.of(scaled, f.initLongs("flat_shape", 0, -1)));
        String logits = f.node("Gemm", List.of(flat, f.weights("dense.kernel", 0.1f, 400, 5), f.weights("dense.bias", 0.1f, 5)));
        String up = f.node("Unsqueeze", List.of(logits, f.initLongs("axes", 2, 3)));
        String out = f.node("Reshape", List.of(up, f.initLongs("out_shape", -1, 5)));
        f.output(out, -1, 5);
        Graph g = agreeWithOnnxRuntime("keras-style (NHWC input, flattened map), seed 31", f.bytes(), true, 301);
        assertEquals(List.of(Conv2d.class, DepthwiseConv2d.class, Reshape.class, FullyConnected.class), kinds(g));
        assertEquals(20, g.inputShape().h());
    }

    /**
     * Older PyTorch exports (the ONNX model zoo's MobileNet v2 among them) flatten with
     * {@code x.view(x.size(0), -1)}: Shape → Gather → Unsqueeze → Concat → Reshape, at opset 11 here.
     */
    @Test
    void shapeComputedFlattenAgrees() throws Exception {
        OnnxFixture f = new OnnxFixture("view-flatten opset 11, seed 41", 11, 41);
        String x = f.input("data", -1, 3, 16, 16);
        String c = f.clip(f.batchNorm(f.conv(x, 3, 6, 3, 2, 1, 1), 6), 0f, 6f);
        String pooled = f.node("GlobalAveragePool", List.of(c));
        String shape = f.node("Shape", List.of(pooled));
        String zero = f.node("Constant", "zero", List.of(),
                Attribute.ofTensor("value", OnnxTensors.longs("", new long[0], new long[] {0})));
        String batch = f.node("Gather", List.of(shape, zero), Attribute.ofInt("axis", 0));
        String batch1 = f.node("Unsqueeze", List.of(batch), Attribute.ofInts("axes", 0));
        String target = f.node("Concat", List.of(batch1, f.initLongs("minus_one", -1)), Attribute.ofInt("axis", 0));
        String flat = f.node("Reshape", List.of(pooled, target));
        String out = f.node("Gemm", List.of(flat, f.weights("fc.weight", 0.5f, 4, 6), f.weights("fc.bias", 0.1f, 4)),
                Attribute.ofInt("transB", 1));
        f.output(out, -1, 4);
        Graph g = agreeWithOnnxRuntime("view-flatten (Shape, Gather, Concat), seed 41", f.bytes(), false, 401);
        assertEquals(List.of(Conv2d.class, GlobalAvgPool.class, FullyConnected.class), kinds(g));
    }

    @Test
    void normalisationIsALoadOption() throws Exception {
        byte[] bytes = pytorchStyle(13, false).bytes();
        assertEquals(InputNormalization.MINUS_ONE_TO_ONE.toString(),
                OnnxLoader.load("m.onnx", bytes, InputNormalization.MINUS_ONE_TO_ONE).normalization().toString());
        InputNormalization custom = new InputNormalization(new float[] {1, 2, 3}, new float[] {4, 5, 6});
        Graph g = OnnxLoader.load("m.onnx", bytes, custom);
        assertArrayEquals(custom.mean(), g.normalization().mean());
        assertArrayEquals(custom.std(), g.normalization().std());

        OnnxFixture f = pytorchStyle(13, false);
        f.metadata(OnnxLoader.META_MEAN, "127.5,127.5,127.5");
        f.metadata(OnnxLoader.META_STD, "127.5, 127.5, 127.5");
        assertEquals(InputNormalization.MINUS_ONE_TO_ONE.toString(),
                OnnxLoader.load("m.onnx", f.bytes(), null).normalization().toString(), "recorded in the metadata");
    }
}
