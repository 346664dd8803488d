package org.flinkmobilenet.engine.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.flinkmobilenet.engine.onnx.OnnxModel.Attribute;
import org.flinkmobilenet.engine.onnx.OnnxModel.Dim;
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;
import org.flinkmobilenet.engine.onnx.OnnxModel.ValueInfo;

/**
 * Writes small ONNX graphs for tests, in the shapes other tools give them (PyTorch's NCHW Conv +
 * BatchNormalization + Clip, Keras converters' NHWC input and Transpose), with seeded weights.
 * Dimensions given as -1 become the symbolic batch "N".
 */
final class OnnxFixture {

    private final String name;
    private final long opset;
    private final SplittableRandom random;
    private final List<OnnxModel.Node> nodes = new ArrayList<>();
    private final List<Tensor> initializers = new ArrayList<>();
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int counter;

    OnnxFixture(String name, long opset, long seed) {
        this.name = name;
        this.opset = opset;
        this.random = new SplittableRandom(seed);
    }

    static List<Dim> dims(long... d) {
        List<Dim> out = new ArrayList<>();
        for (long v : d) {
            out.add(v < 0 ? Dim.named("N") : Dim.fixed(v));
        }
        return out;
    }

    String input(String tensor, long... d) {
        inputs.add(new ValueInfo(tensor, OnnxModel.FLOAT, dims(d)));
        return tensor;
    }

    void output(String tensor, long... d) {
        outputs.add(new ValueInfo(tensor, OnnxModel.FLOAT, dims(d)));
    }

    void metadata(String key, String value) {
        metadata.put(key, value);
    }

    String init(String tensor, long[] d, float[] values) {
        initializers.add(OnnxTensors.floats(tensor, d, values));
        return tensor;
    }

    String initLongs(String tensor, long... values) {
        initializers.add(OnnxTensors.longs(tensor, new long[] {values.length}, values));
        return tensor;
    }

    void initRaw(Tensor t) {
        initializers.add(t);
    }

    /** Seeded weights in [-scale, scale]. */
    String weights(String tensor, float scale, long... d) {
        long n = Arrays.stream(d).reduce(1, (a, b) -> a * b);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return init(tensor, d, v);
    }

    /** Seeded values in [lo, hi). */
    String uniform(String tensor, float lo, float hi, long... d) {
        long n = Arrays.stream(d).reduce(1, (a, b) -> a * b);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + random.nextDouble() * (hi - lo));
        }
        return init(tensor, d, v);
    }

    /** Adds a node with one output named after it; returns the output. */
    String node(String op, String nodeName, List<String> in, Attribute... attributes) {
        String out = nodeName + "_out";
        nodes.add(new OnnxModel.Node(nodeName, op, "", in, List.of(out), List.of(attributes)));
        return out;
    }

    String node(String op, List<String> in, Attribute... attributes) {
        return node(op, op.toLowerCase() + "_" + (counter++), in, attributes);
    }

    void rawNode(OnnxModel.Node node) {
        nodes.add(node);
    }

    /** Conv (weights cout x cin/group x k x k) with a bias, PyTorch-style explicit pads. */
    String conv(String in, int cin, int cout, int k, int stride, int pad, int group) {
        String id = "conv_" + (counter++);
        String w = weights(id + ".weight", (float) Math.sqrt(3.0 / (cin / group * k * k)), cout, cin / group, k, k);
        String b = weights(id + ".bias", 0.1f, cout);
        return node("Conv", id, List.of(in, w, b), Attribute.ofInts("kernel_shape", k, k),
                Attribute.ofInts("strides", stride, stride), Attribute.ofInts("pads", pad, pad, pad, pad),
                Attribute.ofInt("group", group), Attribute.ofInts("dilations", 1, 1));
    }

    /** BatchNormalization with seeded statistics (variance in [0.5, 1.5]). */
    String batchNorm(String in, int c) {
        String id = "bn_" + (counter++);
        return node("BatchNormalization", id, List.of(in, uniform(id + ".weight", 0.5f, 1.5f, c),
                uniform(id + ".bias", -0.2f, 0.2f, c), uniform(id + ".running_mean", -0.3f, 0.3f, c),
                uniform(id + ".running_var", 0.5f, 1.5f, c)), Attribute.ofFloat("epsilon", 1e-5f));
    }

    /** Clip to [lo, hi] in the form this opset uses: attributes before 11, inputs from 11. */
    String clip(String in, float lo, float hi) {
        if (opset < 11) {
            return node("Clip", List.of(in), Attribute.ofFloat("min", lo), Attribute.ofFloat("max", hi));
        }
        String id = "clip_" + (counter++);
        return node("Clip", id, List.of(in, init(id + ".min", new long[0], new float[] {lo}),
                init(id + ".max", new long[0], new float[] {hi})));
    }

    /** Replaces the graph's outputs with this one. */
    void outputInstead(String tensor, long... d) {
        outputs.clear();
        output(tensor, d);
    }

    /** The model without the initializer {@code tensor}. */
    byte[] bytesWithout(String tensor) {
        initializers.removeIf(t -> t.name().equals(tensor));
        return bytes();
    }

    /** The model with initializer {@code tensor} stored as float16 (zeros). */
    byte[] withFloat16(String tensor) {
        initializers.replaceAll(t -> t.name().equals(tensor)
                ? new Tensor(t.name(), OnnxModel.FLOAT16, t.dims(), new byte[(int) t.elementCount() * 2], null, null, false)
                : t);
        return bytes();
    }

    /** The model with initializer {@code tensor} marked as kept in an external file. */
    byte[] withExternal(String tensor) {
        initializers.replaceAll(t -> t.name().equals(tensor)
                ? new Tensor(t.name(), t.dataType(), t.dims(), null, null, null, true)
                : t);
        return bytes();
    }

    /** Clip with min/max from Constant nodes (one 'value' tensor, one 'value_float'), as PyTorch often writes it. */
    String clipFromConstantNodes(String in, float lo, float hi) {
        String id = "clipc_" + (counter++);
        String min = node("Constant", id + ".min", List.of(),
                Attribute.ofTensor("value", OnnxTensors.floats("", new long[0], new float[] {lo})));
        String max = node("Constant", id + ".max", List.of(), Attribute.ofFloat("value_float", hi));
        return node("Clip", id, List.of(in, min, max));
    }

    OnnxModel model() {
        return new OnnxModel(irVersion(), List.of(new OnnxModel.OpsetId("", opset)), "onnx-fixture", "1",
                "", new OnnxModel.Graph(name, nodes, initializers, inputs, outputs), metadata);
    }

    /** The IR version each opset came with (opset 9: IR 4, 10: 5, 11: 6, 12 and later: 7). */
    private long irVersion() {
        return opset >= 12 ? 7 : Math.max(3, opset - 5);
    }

    byte[] bytes() {
        return OnnxWriter.write(model());
    }
}
