package org.flinkmobilenet.engine.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.flinkmobilenet.engine.CompiledModel;
import org.flinkmobilenet.engine.Engine;
import org.flinkmobilenet.engine.TestData;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.InputNormalization;
import org.flinkmobilenet.engine.graph.Node;
import org.flinkmobilenet.engine.kernels.ReferenceKernelSet;
import org.flinkmobilenet.engine.model.ModelLoadException;
import org.junit.jupiter.api.Test;

class TfliteLoaderTest {

    private static final byte SAME = TfliteSchema.PADDING_SAME, VALID = TfliteSchema.PADDING_VALID;

    /** input 2x2x3 -> 1x1 conv to 2 channels -> 2x2 average pool -> reshape [1, 2] -> softmax. */
    private static TinyTflite tinyClassifier(int poolOp) {
        TinyTflite m = new TinyTflite();
        int in = m.activation("input", 1, 2, 2, 3);
        int w = m.floats("w", new int[] {2, 1, 1, 3}, 1, 0, 0, 0, 0, 1);   // out0 = red, out1 = blue
        int b = m.floats("b", new int[] {2}, 0, 1);
        int conv = m.activation("conv", 1, 2, 2, 2);
        int pool = m.activation("pool", 1, 1, 1, 2);
        int shape = m.ints("shape", 1, 2);
        int flat = m.activation("flat", 1, 2);
        int prob = m.activation("prob", 1, 2);
        m.op(TfliteSchema.CONV_2D, new int[] {in, w, b}, new int[] {conv}, (byte) 1,
                TinyTflite.convOptions(1, SAME, TfliteSchema.ACT_NONE));
        m.op(poolOp, new int[] {conv}, new int[] {pool}, (byte) 5, TinyTflite.poolOptions(2, 2, VALID));
        m.op(TfliteSchema.RESHAPE, new int[] {pool, shape}, new int[] {flat}, (byte) 0, null);
        m.op(TfliteSchema.SOFTMAX, new int[] {flat}, new int[] {prob}, (byte) 9, TinyTflite.softmaxOptions(1f));
        return m;
    }

    private static Graph load(String name, byte[] bytes) throws Exception {
        return TfliteLoader.load(List.of(name), List.of(bytes));
    }

    private static float[] run(Graph g, float[] input) {
        Engine e = CompiledModel.compile(g, ReferenceKernelSet.INSTANCE).newEngine(1);
        System.arraycopy(input, 0, e.arena(), e.inputOffset(0), input.length);
        e.run(1);
        float[] out = new float[g.classes()];
        e.copyOutput(0, out);
        return out;
    }

    @Test
    void loadsAndRunsASmallFloatModel() throws Exception {
        Graph g = load("tiny.tflite", tinyClassifier(TfliteSchema.AVERAGE_POOL_2D).build(0, 7, "TFL3"));
        assertEquals(2, g.classes());
        assertTrue(g.outputIsProbabilities());
        assertEquals(InputNormalization.MINUS_ONE_TO_ONE, g.normalization());
        // red averages 0.5, blue averages 0.5 + bias 1 -> softmax of (0.5, 1.5)
        float[] in = {1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1};
        float[] out = run(g, in);
        float e = (float) Math.exp(1);
        assertArrayEquals(new float[] {1 / (1 + e), e / (1 + e)}, out, 1e-6f);
    }

    @Test
    void dequantizesPerChannelInt8WeightsAndInt32Bias() throws Exception {
        TinyTflite m = new TinyTflite();
        int in = m.activation("input", 1, 1, 1, 3);
        // (2 out, 1, 1, 3 in) int8, channel scales 0.5 and 0.25, zero points 0 and 2
        int w = m.tensor("w", new int[] {2, 1, 1, 3}, TfliteSchema.INT8, new byte[] {2, 4, -2, 6, 2, 10},
                new float[] {0.5f, 0.25f}, new long[] {0, 2}, 0);
        ByteBuffer bias = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(10).putInt(-4);
        int b = m.tensor("b", new int[] {2}, TfliteSchema.INT32, bias.array(), new float[] {0.1f, 0.5f}, new long[] {0, 0}, 0);
        int out = m.activation("out", 1, 1, 1, 2);
        m.op(TfliteSchema.CONV_2D, new int[] {in, w, b}, new int[] {out}, (byte) 1,
                TinyTflite.convOptions(1, VALID, TfliteSchema.ACT_NONE));
        Graph g = load("int8.tflite", m.build(0, 3, "TFL3"));
        Conv2d conv = (Conv2d) g.nodes().get(0);
        assertArrayEquals(new float[] {1, 2, -1, 1, 0, 2}, conv.weights(), 1e-6f);
        assertArrayEquals(new float[] {1, -2}, conv.bias(), 1e-6f);
        // [1, 2, 3] -> (1 + 4 - 3) + 1 = 3 and (1 + 0 + 6) - 2 = 5
        assertArrayEquals(new float[] {3, 5}, run(g, new float[] {1, 2, 3}), 1e-6f);
    }

    @Test
    void uint8InputQuantizationBecomesTheNormalisation() throws Exception {
        Graph g = TfliteLoader.load(TestData.model("mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite"));
        assertArrayEquals(new float[] {128, 128, 128}, g.normalization().mean(), 1e-6f);
        assertArrayEquals(new float[] {128, 128, 128}, g.normalization().std(), 1e-3f);
        assertEquals(128, g.inputShape().h());
        assertEquals(1001, g.classes());
    }

    @Test
    void quantizedOutputRangeBecomesTheClamp() throws Exception {
        // These files mark ReLU6 only through each output's uint8 range [0, 255 * 0.0235].
        Graph g = TfliteLoader.load(TestData.model("mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite"));
        Node first = g.nodes().get(0);
        Activation act = ((Conv2d) first).activation();
        assertEquals(0f, act.lo());
        assertEquals(6f, act.hi(), 1e-3f);
        long depthwise = g.nodes().stream().filter(n -> n instanceof DepthwiseConv2d).count();
        assertEquals(13, depthwise);
    }

    @Test
    void readsLabelsZippedInsideTheModel() throws Exception {
        Graph g = TfliteLoader.load(TestData.model("mobilenet_v1/mobilenet_v1_0.25_224_1_metadata_1.tflite"));
        assertEquals(1001, g.labels().size());
        assertEquals("background", g.labels().get(0));
        assertTrue(g.labels().get(286).toLowerCase().contains("egyptian cat"), g.labels().get(286));
        Graph plain = TfliteLoader.load(TestData.model("mobilenet_v1/mobilenet_v1_0.25_224_1_default_1.tflite"));
        assertTrue(plain.labels().isEmpty());
    }

    @Test
    void chainsAFeatureExtractorAndAHead() throws Exception {
        Graph g = TfliteLoader.load(Arrays.stream(TestData.flagship().split(",")).map(Path::of).toList());
        assertEquals(224, g.inputShape().h());
        assertEquals(1001, g.classes());
        assertTrue(g.outputIsProbabilities());
        long convs = g.nodes().stream().filter(n -> n instanceof Conv2d).count();
        assertEquals(15, convs); // 14 in the extractor + the head's 1x1 classifier
    }

    @Test
    void refusesToChainFilesWhoseTensorsDoNotMatch() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TfliteLoader.load(
                TestData.model("mobilenet_v1/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite"),
                TestData.model("mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite")));
        assertTrue(e.getMessage().contains("mobilenet_v1_0.25_128_quant.tflite"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot chain"), e.getMessage());
        assertTrue(e.getMessage().contains("MobilenetV1/Logits/AvgPool_1a/AvgPool"), e.getMessage());
    }

    @Test
    void unsupportedOperatorIsNamed() {
        byte[] bytes = tinyClassifier(17 /* MAX_POOL_2D */).build(0, 7, "TFL3");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> load("maxpool.tflite", bytes));
        assertTrue(e.getMessage().startsWith("maxpool.tflite"), e.getMessage());
        assertTrue(e.getMessage().contains("unsupported operator MAX_POOL_2D"), e.getMessage());
        assertTrue(e.getMessage().contains("'pool'"), e.getMessage());
    }

    @Test
    void unsupportedDilationIsNamed() {
        TinyTflite m = new TinyTflite();
        int in = m.activation("input", 1, 5, 5, 3);
        int w = m.floats("w", new int[] {1, 3, 3, 3}, new float[27]);
        int out = m.activation("dilated", 1, 5, 5, 1);
        m.op(TfliteSchema.CONV_2D, new int[] {in, w, -1}, new int[] {out}, (byte) 1, TinyTflite.convOptionsDilated(2));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> load("dilated.tflite", m.build(0, 2, "TFL3")));
        assertTrue(e.getMessage().contains("dilation 2x2"), e.getMessage());
        assertTrue(e.getMessage().contains("CONV_2D"), e.getMessage());
    }

    @Test
    void declaredShapeMismatchNamesTheTensor() {
        TinyTflite m = new TinyTflite();
        int in = m.activation("input", 1, 4, 4, 3);
        int w = m.floats("w", new int[] {2, 1, 1, 3}, new float[6]);
        int out = m.activation("conv_out", 1, 4, 4, 5); // the weights make 2 channels
        m.op(TfliteSchema.CONV_2D, new int[] {in, w, -1}, new int[] {out}, (byte) 1,
                TinyTflite.convOptions(1, SAME, TfliteSchema.ACT_NONE));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> load("shape.tflite", m.build(0, 2, "TFL3")));
        assertTrue(e.getMessage().contains("shape.tflite"), e.getMessage());
        assertTrue(e.getMessage().contains("conv_out"), e.getMessage());
        assertTrue(e.getMessage().contains("4x4x2"), e.getMessage());
    }

    @Test
    void weightsOfTheWrongSizeAreNamed() {
        TinyTflite m = new TinyTflite();
        int in = m.activation("input", 1, 4, 4, 3);
        int w = m.floats("short_weights", new int[] {2, 1, 1, 3}, new float[5]);
        int out = m.activation("conv_out", 1, 4, 4, 2);
        m.op(TfliteSchema.CONV_2D, new int[] {in, w, -1}, new int[] {out}, (byte) 1,
                TinyTflite.convOptions(1, SAME, TfliteSchema.ACT_NONE));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> load("w.tflite", m.build(0, 2, "TFL3")));
        assertTrue(e.getMessage().contains("short_weights"), e.getMessage());
        assertTrue(e.getMessage().contains("20 bytes"), e.getMessage());
    }

    @Test
    void wrongIdentifierIsRefused() {
        byte[] bytes = tinyClassifier(TfliteSchema.AVERAGE_POOL_2D).build(0, 7, "ONNX");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> load("other.bin", bytes));
        assertTrue(e.getMessage().contains("other.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("file identifier is 'ONNX'"), e.getMessage());
    }

    @Test
    void randomBytesAreNotAModel() {
        byte[] junk = new byte[4096];
        new java.util.Random(1).nextBytes(junk);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> load("junk.tflite", junk));
        assertTrue(e.getMessage().startsWith("junk.tflite") && e.getMessage().contains("not a TFLite model"), e.getMessage());
    }

    @Test
    void emptyAndMissingFiles() {
        ModelLoadException empty = assertThrows(ModelLoadException.class, () -> load("empty.tflite", new byte[0]));
        assertTrue(empty.getMessage().contains("too short"), empty.getMessage());
        ModelLoadException missing = assertThrows(ModelLoadException.class,
                () -> TfliteLoader.load(Path.of("/nonexistent/model.tflite")));
        assertTrue(missing.getMessage().contains("/nonexistent/model.tflite: no such model file"), missing.getMessage());
    }

    /** Where the last weight buffer ends: every byte before it is read by the loader. */
    private static int modelDataEnd(byte[] file) {
        TfliteSchema.Model model = TfliteSchema.Model.root(ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN));
        long end = 0;
        for (int i = 0; i < model.buffersLength(); i++) {
            end = Math.max(end, model.buffer(i).dataEnd());
        }
        return (int) end;
    }

    @Test
    void everyTruncationOfARealModelFailsWithAClearMessage() {
        byte[] real = TestData.bytes(TestData.model("mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite"));
        int dataEnd = modelDataEnd(real);
        int zipStart = org.flinkmobilenet.engine.model.EmbeddedLabelsAccess.zipStart(real);
        assertTrue(zipStart > dataEnd, "this model carries its labels in a zip after the weights");
        java.util.Random random = new java.util.Random(2026);
        for (int i = 0; i < 80; i++) {
            int cut;
            if (i < 10) {
                cut = i * 7 + 8;                                           // inside the header and root table
            } else if (i < 60) {
                cut = 8 + random.nextInt(dataEnd - 8);                     // inside the tables and weights
            } else {
                cut = zipStart + 1 + random.nextInt(real.length - zipStart - 1); // inside the labels archive
            }
            byte[] truncated = Arrays.copyOf(real, cut);
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> load("cut.tflite", truncated),
                    "seed 2026, truncated at " + cut + " bytes");
            assertTrue(e.getMessage().startsWith("cut.tflite"), "cut at " + cut + ": " + e.getMessage());
        }
    }

    @Test
    void corruptedBytesNeverEscapeAsAnotherException() {
        byte[] real = TestData.bytes(TestData.model("mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite"));
        java.util.Random random = new java.util.Random(99);
        int failures = 0;
        for (int i = 0; i < 200; i++) {
            byte[] damaged = real.clone();
            // damage the flatbuffer's tables (the first and last few kB), where offsets live
            for (int k = 0; k < 8; k++) {
                int pos = random.nextBoolean() ? 8 + random.nextInt(4000) : real.length - 1 - random.nextInt(8000);
                damaged[pos] = (byte) random.nextInt(256);
            }
            try {
                load("damaged.tflite", damaged);
            } catch (ModelLoadException e) {
                failures++;
                assertTrue(e.getMessage().startsWith("damaged.tflite"), e.getMessage());
            } catch (Exception | Error e) {
                throw new AssertionError("seed 99, case " + i + ": escaped as " + e, e);
            }
        }
        assertTrue(failures > 0, "no damaged file was refused: the damage does not reach the tables");
    }
}
