package org.flinkmobilenet.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.flinkmobilenet.engine.model.ModelLoadException;
import org.flinkmobilenet.engine.onnx.OnnxModel.Attribute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files that cannot be used fail with a {@link ModelLoadException} whose message names the file and
 * the node, op, attribute or protobuf field at fault. Each case changes one thing in a small valid model.
 */
class OnnxBadInputTest {

    /**
     * A valid model: input [N, C, 8, 8] → Conv 'conv0' (weights 'w0') → {@code body} → GlobalAveragePool →
     * Flatten → Gemm → [N, 5]. {@code body} gets the fixture and the conv output and returns its output.
     */
    private static OnnxFixture model(long opset, int inChannels, long[] convWeightDims, List<Attribute> convAttributes,
                                     BodyStep body) {
        OnnxFixture f = new OnnxFixture("small", opset, 5);
        String x = f.input("input", -1, inChannels, 8, 8);
        long cout = convWeightDims[0];
        f.weights("w0", 0.3f, convWeightDims);
        String c = f.node("Conv", "conv0", List.of(x, "w0", f.weights("b0", 0.1f, cout)),
                convAttributes.toArray(new Attribute[0]));
        String y = body.apply(f, c);
        String flat = f.node("Flatten", "flatten", List.of(f.node("GlobalAveragePool", "pool", List.of(y))));
        String out = f.node("Gemm", "fc", List.of(flat, f.weights("fc.w", 0.3f, 5, cout), f.weights("fc.b", 0.1f, 5)),
                Attribute.ofInt("transB", 1));
        f.output(out, -1, 5);
        return f;
    }

    private interface BodyStep {
        String apply(OnnxFixture f, String in);
    }

    private static final List<Attribute> PAD1 = List.of(Attribute.ofInts("kernel_shape", 3, 3),
            Attribute.ofInts("pads", 1, 1, 1, 1));

    static OnnxFixture valid() {
        return model(13, 3, new long[] {4, 3, 3, 3}, PAD1, (f, c) -> f.node("Relu", "relu", List.of(c)));
    }

    private static OnnxFixture withConv(List<Attribute> attributes, long... weightDims) {
        return model(13, 3, weightDims, attributes, (f, c) -> c);
    }

    private static OnnxFixture withBody(BodyStep body) {
        return model(13, 3, new long[] {4, 3, 3, 3}, PAD1, body);
    }

    private static OnnxFixture tweaked(Consumer<OnnxFixture> change) {
        OnnxFixture f = valid();
        change.accept(f);
        return f;
    }

    static Stream<Arguments> badModels() {
        byte[] good = valid().bytes();
        return Stream.of(
            Arguments.of("empty", new byte[0], List.of("empty")),
            Arguments.of("truncated", Arrays.copyOf(good, good.length * 6 / 10),
                    List.of("malformed ONNX protobuf", "in graph")),
            Arguments.of("wrong-wire-type", new byte[] {0x0a, 0x01, 0x00}, List.of("malformed ONNX protobuf",
                    "field 'ir_version' has wire type 2")),
            Arguments.of("text", "this is not a model".getBytes(StandardCharsets.US_ASCII),
                    List.of("malformed ONNX protobuf")),
            Arguments.of("no-graph", new byte[] {0x08, 0x07}, List.of("no graph")),
            Arguments.of("missing-initializer", model(13, 3, new long[] {4, 3, 3, 3}, PAD1, (f, c) -> c).bytesWithout("w0"),
                    List.of("node 'conv0' (Conv)", "missing initializer 'w0'")),
            Arguments.of("unsupported-op", withBody((f, c) -> f.node("HardSwish", "hs", List.of(c))).bytes(),
                    List.of("node 'hs' (HardSwish)", "op 'HardSwish' is not supported")),
            Arguments.of("custom-domain", tweaked(f -> f.rawNode(new OnnxModel.Node("fused", "FusedConv",
                    "com.microsoft", List.of("input"), List.of("fused_out"), List.of()))).bytes(),
                    List.of("node 'fused' (com.microsoft.FusedConv)", "not supported")),
            Arguments.of("dilation-2", withConv(List.of(Attribute.ofInts("pads", 2, 2, 2, 2),
                    Attribute.ofInts("dilations", 2, 2)), 4, 3, 3, 3).bytes(),
                    List.of("node 'conv0' (Conv)", "attribute dilations = [2, 2] is not supported")),
            Arguments.of("grouped-conv", withBody((f, c) -> f.node("Conv", "grouped", List.of(c,
                    f.weights("grouped.w", 0.3f, 4, 2, 1, 1)), Attribute.ofInt("group", 2))).bytes(),
                    List.of("node 'grouped' (Conv)", "attribute group = 2 is not supported")),
            Arguments.of("depth-multiplier-2", model(13, 3, new long[] {6, 1, 3, 3},
                    List.of(Attribute.ofInt("group", 3), Attribute.ofInts("pads", 1, 1, 1, 1)), (f, c) -> c).bytes(),
                    List.of("node 'conv0' (Conv)", "channel multiplier 2 is not supported")),
            Arguments.of("3d-conv", withConv(List.of(), 4, 3, 3, 3, 3).bytes(),
                    List.of("node 'conv0' (Conv)", "only 2-D convolutions")),
            Arguments.of("unknown-attribute", withConv(List.of(Attribute.ofInt("winograd", 1)), 4, 3, 3, 3).bytes(),
                    List.of("node 'conv0' (Conv)", "attribute 'winograd' is not supported for Conv")),
            Arguments.of("bad-auto-pad", withConv(List.of(Attribute.ofString("auto_pad", "SAME_SIDEWAYS")), 4, 3, 3, 3)
                    .bytes(), List.of("node 'conv0' (Conv)", "auto_pad = 'SAME_SIDEWAYS'")),
            Arguments.of("count-include-pad", withBody((f, c) -> f.node("AveragePool", "avg", List.of(c),
                    Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1),
                    Attribute.ofInt("count_include_pad", 1))).bytes(),
                    List.of("node 'avg' (AveragePool)", "count_include_pad = 1")),
            Arguments.of("computed-clip-bound", withBody((f, c) -> f.node("Clip", "clip", List.of(c, c))).bytes(),
                    List.of("node 'clip' (Clip)", "input 1 (min) 'conv0_out' is computed by the graph")),
            Arguments.of("softmax-over-width", withBody((f, c) -> f.node("Softmax", "sm", List.of(c),
                    Attribute.ofInt("axis", 3))).bytes(), List.of("node 'sm' (Softmax)", "Softmax over axis 3")),
            Arguments.of("reshape-into-batch", withBody((f, c) -> f.node("Reshape", "rs", List.of(c,
                    f.initLongs("rs.shape", 4, -1)))).bytes(), List.of("node 'rs' (Reshape)", "is not supported")),
            Arguments.of("gather-of-activations", withBody((f, c) -> f.node("Gather", "gather", List.of(c,
                    f.initLongs("gather.idx", 0)))).bytes(), List.of("node 'gather' (Gather)",
                    "Gather of activations is not supported")),
            Arguments.of("unknown-input", withBody((f, c) -> f.node("Add", "add", List.of(c, "ghost"))).bytes(),
                    List.of("node 'add' (Add)", "'ghost' is produced by no earlier node")),
            Arguments.of("float16-weights", model(13, 3, new long[] {4, 3, 3, 3}, PAD1, (f, c) -> c).withFloat16("w0"),
                    List.of("node 'conv0' (Conv)", "'w0' is float16")),
            Arguments.of("external-data", model(13, 3, new long[] {4, 3, 3, 3}, PAD1, (f, c) -> c).withExternal("w0"),
                    List.of("node 'conv0' (Conv)", "'w0' keeps its data in an external file")),
            Arguments.of("opset-5", model(5, 3, new long[] {4, 3, 3, 3}, PAD1, (f, c) -> c).bytes(),
                    List.of("opset 5 is not supported")),
            Arguments.of("opset-99", model(99, 3, new long[] {4, 3, 3, 3}, PAD1, (f, c) -> c).bytes(),
                    List.of("opset 99 is not supported")),
            Arguments.of("two-inputs", tweaked(f -> f.input("second", -1, 3, 8, 8)).bytes(),
                    List.of("2 inputs", "second")),
            Arguments.of("four-channels", model(13, 4, new long[] {4, 4, 3, 3}, PAD1, (f, c) -> c).bytes(),
                    List.of("input 'input'", "RGB input has 3 channels")),
            Arguments.of("map-output", tweaked(f -> f.outputInstead("conv0_out", -1, 4, 8, 8)).bytes(),
                    List.of("graph output 'conv0_out'", "8x8x4 map"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badModels")
    void failsNamingWhatIsWrong(String what, byte[] bytes, List<String> fragments) {
        String file = "bad-" + what + ".onnx";
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxLoader.load(file, bytes, null));
        String message = e.getMessage();
        System.out.println("onnx-bad-input " + message);
        assertTrue(message.startsWith(file + ": "), "names the file: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "'" + fragment + "' missing from: " + message);
        }
    }

    @Test
    void theBaseModelOfTheseCasesLoads() throws Exception {
        Graph g = OnnxLoader.load("small.onnx", valid().bytes(), null);
        assertEquals(5, g.classes());
    }

    @Test
    void onnxFilesDoNotChain(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.onnx");
        Files.write(a, valid().bytes());
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelFiles.load(a + "," + a));
        assertTrue(e.getMessage().contains("an ONNX model is one file"), e.getMessage());
    }

    @Test
    void aMissingOnnxFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.onnx");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelFiles.load(missing.toString()));
        assertEquals(missing + ": no such model file", e.getMessage());
    }

    @Test
    void tfliteFilesAreNotMistakenForOnnx() throws Exception {
        Path tflite = org.flinkmobilenet.engine.TestData.model("mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite");
        assertTrue(!OnnxLoader.isOnnx(tflite));
        assertTrue(OnnxLoader.looksLikeOnnx(valid().bytes()));
    }
}
