package org.flinkmobilenet.engine.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.ConvGeometry;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.GlobalAvgPool;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.InputNormalization;
import org.flinkmobilenet.engine.graph.Node;
import org.flinkmobilenet.engine.graph.Reshape;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.graph.Softmax;
import org.flinkmobilenet.engine.onnx.OnnxModel.Attribute;
import org.flinkmobilenet.engine.onnx.OnnxModel.Dim;
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;
import org.flinkmobilenet.engine.onnx.OnnxModel.ValueInfo;

/**
 * Writes any {@link Graph} as an ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}).
 *
 * <p>Layout: the input is NCHW {@code [N, 3, H, W]} float32 with a symbolic batch dimension "N", already
 * normalised ({@code (pixel - mean) / std}, the mean and std recorded in the metadata); the output is
 * {@code [N, classes]}. Maps are NCHW throughout and weights are converted from the engine's NHWC.
 * Each layer's fused clamp becomes a Relu (for [0, inf)) or a Clip with min/max inputs (ReLU6 and the
 * general ranges quantized models carry). Dense layers over a vector are Gemm on [N, K]; a reshape
 * between vectors needs no op; one that rearranges a map goes through NHWC with two Transposes so the
 * data order stays the engine's.
 */
public final class OnnxExporter {

    public static final int OPSET = 13;
    public static final long IR_VERSION = 7;
    public static final String BATCH_DIM = "N";

    private final Graph graph;
    private final List<OnnxModel.Node> nodes = new ArrayList<>();
    private final List<Tensor> initializers = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();
    private final Set<String> nodeNames = new HashSet<>();
    private final Map<Float, String> clipBounds = new HashMap<>();
    private final String[] nchw; // (values) ONNX name of each value as [N, C, H, W], or null
    private final String[] flat; // (values) ONNX name of each 1x1 value as [N, C], or null

    private OnnxExporter(Graph graph) {
        this.graph = graph;
        this.nchw = new String[graph.values().size()];
        this.flat = new String[graph.values().size()];
    }

    /** The ONNX model of {@code graph}, serialized. */
    public static byte[] export(Graph graph) {
        return OnnxWriter.write(new OnnxExporter(graph).model());
    }

    public static void write(Graph graph, Path file) throws IOException {
        Files.write(file, export(graph));
    }

    private OnnxModel model() {
        Shape in = graph.inputShape();
        String input = unique(graph.values().get(0).name());
        nchw[0] = input;
        for (Node node : graph.nodes()) {
            convert(node);
        }
        int out = graph.output();
        Shape os = graph.outputShape();
        boolean vector = os.h() * os.w() == 1;
        String output = vector ? flat(out) : nchw(out);
        List<Dim> outDims = vector
                ? List.of(Dim.named(BATCH_DIM), Dim.fixed(os.c()))
                : List.of(Dim.named(BATCH_DIM), Dim.fixed(os.c()), Dim.fixed(os.h()), Dim.fixed(os.w()));
        OnnxModel.Graph g = new OnnxModel.Graph(graph.name(), nodes, initializers,
                List.of(new ValueInfo(input, OnnxModel.FLOAT,
                        List.of(Dim.named(BATCH_DIM), Dim.fixed(3), Dim.fixed(in.h()), Dim.fixed(in.w())))),
                List.of(new ValueInfo(output, OnnxModel.FLOAT, outDims)));
        return new OnnxModel(IR_VERSION, List.of(new OnnxModel.OpsetId("", OPSET)), "flink-mobilenet", "0.1",
                "Exported from " + graph.name() + "; input NCHW float32, normalised as (pixel - mean) / std",
                g, metadata());
    }

    private Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        InputNormalization n = graph.normalization();
        m.put(OnnxLoader.META_MEAN, joined(n.mean()));
        m.put(OnnxLoader.META_STD, joined(n.std()));
        if (!graph.labels().isEmpty()) {
            m.put(OnnxLoader.META_LABELS, String.join("\n", graph.labels()));
        }
        if (graph.synthetic()) {
            m.put(OnnxLoader.META_SYNTHETIC, "true");
        }
        return m;
    }

    private static String joined(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);
        }
        return sb.toString();
    }

    // ---- names and forms ----

    private String unique(String name) {
        String base = name.isEmpty() ? "t" : name;
        String n = base;
        for (int k = 2; !tensorNames.add(n); k++) {
            n = base + "_" + k;
        }
        return n;
    }

    private String nodeName(String name) {
        String n = name;
        for (int k = 2; !nodeNames.add(n); k++) {
            n = name + "_" + k;
        }
        return n;
    }

    private void op(String type, String name, List<String> inputs, String output, Attribute... attributes) {
        nodes.add(new OnnxModel.Node(nodeName(name), type, "", inputs, List.of(output), List.of(attributes)));
    }

    private String initializer(String name, long[] dims, float[] values) {
        String n = unique(name);
        initializers.add(OnnxTensors.floats(n, dims, values));
        return n;
    }

    private String longsInitializer(String name, long... values) {
        String n = unique(name);
        initializers.add(OnnxTensors.longs(n, new long[] {values.length}, values));
        return n;
    }

    /** Value {@code v} as [N, C, H, W]. */
    private String nchw(int v) {
        if (nchw[v] == null) {
            Shape s = graph.shapeOf(v);
            String shape = longsInitializer(flat[v] + "_nchw_shape", -1, s.c(), 1, 1);
            nchw[v] = unique(flat[v] + "_nchw");
            op("Reshape", nchw[v], List.of(flat[v], shape), nchw[v]);
        }
        return nchw[v];
    }

    /** Value {@code v}, which must be 1x1xC, as [N, C]. */
    private String flat(int v) {
        if (flat[v] == null) {
            flat[v] = unique(nchw[v] + "_flat");
            op("Flatten", flat[v], List.of(nchw[v]), flat[v], Attribute.ofInt("axis", 1));
        }
        return flat[v];
    }

    /** The name an op writes, and any Relu/Clip that applies {@code act} after it; returns the final name. */
    private String withActivation(String layer, String valueName, Activation act, String linearOutput) {
        if (act.isNone()) {
            return linearOutput;
        }
        String out = unique(valueName);
        if (act.equals(Activation.RELU)) {
            op("Relu", layer + "/relu", List.of(linearOutput), out);
            return out;
        }
        List<String> in = new ArrayList<>(List.of(linearOutput,
                act.lo() == Float.NEGATIVE_INFINITY ? "" : clipBound(act.lo())));
        if (act.hi() != Float.POSITIVE_INFINITY) {
            in.add(clipBound(act.hi()));
        }
        op("Clip", layer + "/clip", in, out);
        return out;
    }

    private String clipBound(float v) {
        return clipBounds.computeIfAbsent(v, k -> {
            String n = unique("clip_bound_" + k);
            initializers.add(OnnxTensors.floats(n, new long[0], new float[] {k}));
            return n;
        });
    }

    /** Output name for a layer's linear part: the value's own name when no activation follows. */
    private String linearName(String valueName, Activation act) {
        return act.isNone() ? unique(valueName) : unique(valueName + "_linear");
    }

    // ---- nodes ----

    private void convert(Node node) {
        String value = graph.values().get(node.output()).name();
        if (node instanceof Conv2d c) {
            ConvGeometry g = c.geometry();
            String w = initializer(c.name() + "/weight", new long[] {c.outChannels(), c.inChannels(), g.kh(), g.kw()},
                    OnnxTensors.ohwiToOihw(c.weights(), c.outChannels(), c.inChannels(), g.kh(), g.kw()));
            convOp(c.name(), value, nchw(c.input()), w, c.bias(), g, 1, c.activation(), c.output());
        } else if (node instanceof DepthwiseConv2d d) {
            ConvGeometry g = d.geometry();
            String w = initializer(d.name() + "/weight", new long[] {d.channels(), 1, g.kh(), g.kw()},
                    OnnxTensors.depthwiseToChw(d.weights(), d.channels(), g.kh(), g.kw()));
            convOp(d.name(), value, nchw(d.input()), w, d.bias(), g, d.channels(), d.activation(), d.output());
        } else if (node instanceof FullyConnected f) {
            fullyConnected(f, value);
        } else if (node instanceof Add a) {
            boolean vectors = flat[a.left()] != null && flat[a.right()] != null;
            List<String> in = vectors ? List.of(flat[a.left()], flat[a.right()]) : List.of(nchw(a.left()), nchw(a.right()));
            String linear = linearName(value, a.activation());
            op("Add", a.name(), in, linear);
            String out = withActivation(a.name(), value, a.activation(), linear);
            if (vectors) {
                flat[a.output()] = out;
            } else {
                nchw[a.output()] = out;
            }
        } else if (node instanceof AvgPool p) {
            ConvGeometry g = p.geometry();
            String linear = linearName(value, p.activation());
            op("AveragePool", p.name(), List.of(nchw(p.input())), linear,
                    Attribute.ofInts("kernel_shape", g.kh(), g.kw()), Attribute.ofInts("strides", g.strideH(), g.strideW()),
                    Attribute.ofInts("pads", g.padTop(), g.padLeft(), g.padBottom(), g.padRight()));
            nchw[p.output()] = withActivation(p.name(), value, p.activation(), linear);
        } else if (node instanceof GlobalAvgPool p) {
            nchw[p.output()] = unique(value);
            op("GlobalAveragePool", p.name(), List.of(nchw(p.input())), nchw[p.output()]);
        } else if (node instanceof Reshape r) {
            reshape(r, value);
        } else if (node instanceof Softmax s) {
            softmax(s, value);
        } else {
            throw new IllegalArgumentException("cannot export " + node.getClass().getSimpleName() + " '" + node.name() + "'");
        }
    }

    private void convOp(String layer, String value, String input, String weights, float[] bias, ConvGeometry g,
                        int group, Activation act, int output) {
        String b = initializer(layer + "/bias", new long[] {bias.length}, bias);
        String linear = linearName(value, act);
        op("Conv", layer, List.of(input, weights, b), linear,
                Attribute.ofInts("kernel_shape", g.kh(), g.kw()), Attribute.ofInts("strides", g.strideH(), g.strideW()),
                Attribute.ofInts("pads", g.padTop(), g.padLeft(), g.padBottom(), g.padRight()),
                Attribute.ofInt("group", group));
        nchw[output] = withActivation(layer, value, act, linear);
    }

    private void fullyConnected(FullyConnected f, String value) {
        Shape in = graph.shapeOf(f.input());
        if (in.h() * in.w() != 1) {
            // A dense layer over a whole map is a convolution whose kernel covers it; the engine's (out, h, w, c)
            // weights are already in convolution order.
            ConvGeometry g = new ConvGeometry(in.h(), in.w(), in.h(), in.w(), 1, 1, 0, 0, 0, 0, 1, 1);
            String w = initializer(f.name() + "/weight", new long[] {f.outFeatures(), in.c(), in.h(), in.w()},
                    OnnxTensors.ohwiToOihw(f.weights(), f.outFeatures(), in.c(), in.h(), in.w()));
            convOp(f.name(), value, nchw(f.input()), w, f.bias(), g, 1, f.activation(), f.output());
            return;
        }
        String w = initializer(f.name() + "/weight", new long[] {f.outFeatures(), f.inFeatures()}, f.weights());
        String b = initializer(f.name() + "/bias", new long[] {f.outFeatures()}, f.bias());
        String linear = linearName(value, f.activation());
        op("Gemm", f.name(), List.of(flat(f.input()), w, b), linear, Attribute.ofInt("transB", 1));
        flat[f.output()] = withActivation(f.name(), value, f.activation(), linear);
    }

    private void reshape(Reshape r, String value) {
        Shape from = graph.shapeOf(r.input()), to = r.target();
        if (from.h() * from.w() == 1 && to.h() * to.w() == 1) {
            nchw[r.output()] = nchw[r.input()]; // vector to vector: the same tensor
            flat[r.output()] = flat[r.input()];
            return;
        }
        // Keep the engine's data order: NHWC, reshape, back to NCHW.
        String nhwc = unique(value + "_nhwc_in");
        op("Transpose", r.name() + "/to_nhwc", List.of(nchw(r.input())), nhwc, Attribute.ofInts("perm", 0, 2, 3, 1));
        String shape = longsInitializer(value + "_shape", -1, to.h(), to.w(), to.c());
        String reshaped = unique(value + "_nhwc");
        op("Reshape", r.name(), List.of(nhwc, shape), reshaped);
        nchw[r.output()] = unique(value);
        op("Transpose", r.name() + "/to_nchw", List.of(reshaped), nchw[r.output()], Attribute.ofInts("perm", 0, 3, 1, 2));
    }

    private void softmax(Softmax s, String value) {
        Shape shape = graph.shapeOf(s.input());
        boolean vector = shape.h() * shape.w() == 1;
        String in = vector ? flat(s.input()) : nchw(s.input());
        if (s.beta() != 1f) {
            String beta = initializer(s.name() + "/beta", new long[0], new float[] {s.beta()});
            String scaled = unique(value + "_scaled");
            op("Mul", s.name() + "/beta", List.of(in, beta), scaled);
            in = scaled;
        }
        String out = unique(value);
        op("Softmax", s.name(), List.of(in), out, Attribute.ofInt("axis", 1));
        if (vector) {
            flat[s.output()] = out;
        } else {
            nchw[s.output()] = out;
        }
    }
}
