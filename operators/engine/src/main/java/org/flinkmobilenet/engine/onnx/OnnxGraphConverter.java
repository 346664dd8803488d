package org.flinkmobilenet.engine.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
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
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;

/**
 * Converts one ONNX graph, node by node in file order, into the engine's {@link Graph}.
 *
 * <p>Every ONNX tensor name maps to a constant (initializer or Constant output) or to an engine
 * activation value with a layout: {@code NCHW} ([N, C, H, W] held as the engine's h x w x c value),
 * {@code FLAT} ([N, K] held as 1 x 1 x K) or {@code NHWC} ([N, H, W, C]: the engine's own order, as an
 * NHWC graph input or a Transpose to NHWC give it, which Transpose, Reshape and Flatten accept). Weights
 * are converted from NCHW to NHWC here; BatchNormalization, Relu, Clip and constant Add/Mul fold into
 * the node that produced their input when it is their only reader, and become a 1x1 depthwise
 * convolution (a per-channel affine map and clamp) when not.
 */
final class OnnxGraphConverter {

    private enum Layout { NCHW, FLAT, NHWC }

    /**
     * An activation tensor. {@code chw} is set on a FLAT tensor that flattened an h x w x c map with
     * h * w > 1: ONNX orders its features (c, h, w), the engine value holds them (h, w, c).
     * {@code exclusive}: nothing but this tensor name reaches the value, so folding into its producer
     * is invisible to other readers.
     */
    private record Act(int value, Layout layout, Shape chw, boolean exclusive) {}

    private final String file;
    private final OnnxModel.Graph onnx;
    private final long opset;
    private final List<Graph.Value> values = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Integer, Integer> producer = new HashMap<>(); // value -> index in nodes
    private final Map<String, Tensor> constants = new HashMap<>();
    private final Map<String, Act> acts = new HashMap<>();
    private final Map<String, Integer> readers = new HashMap<>();   // tensor name -> reading node inputs
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<String> engineNames = new HashSet<>();
    private OnnxModel.Node current;

    OnnxGraphConverter(String file, OnnxModel.Graph onnx, long opset) {
        this.file = file;
        this.onnx = onnx;
        this.opset = opset;
        for (Tensor t : onnx.initializers()) {
            constants.put(t.name(), t);
        }
        for (OnnxModel.Node n : onnx.nodes()) {
            for (String in : n.inputs()) {
                readers.merge(in, 1, Integer::sum);
            }
        }
        for (OnnxModel.ValueInfo out : onnx.outputs()) {
            graphOutputs.add(out.name());
        }
    }

    /** Runs the conversion; problems come back as {@link OnnxImportProblem} with {@link #where()} set. */
    Graph convert(String graphName, InputNormalization normalization, List<String> labels, boolean synthetic) {
        current = null;
        addInput();
        for (OnnxModel.Node node : onnx.nodes()) {
            current = node;
            convertNode(node);
        }
        current = null;
        if (onnx.outputs().size() != 1) {
            throw new OnnxImportProblem("the graph has " + onnx.outputs().size() + " outputs; a classifier has one");
        }
        String outName = onnx.outputs().get(0).name();
        Act out = acts.get(outName);
        if (out == null) {
            throw new OnnxImportProblem("graph output '" + outName + "' is " + (constants.containsKey(outName)
                    ? "a constant" : "never produced by any node"));
        }
        Shape s = values.get(out.value()).shape();
        if (s.h() * s.w() != 1 || out.chw() != null) {
            throw new OnnxImportProblem("graph output '" + outName + "' is a " + s + " map; a classifier's output is "
                    + "a vector ([N, classes] or [N, classes, 1, 1])");
        }
        return new Graph(graphName, values, nodes, out.value(), normalization, labels, synthetic);
    }

    /** "node 'name' (OpType)" of the node being converted, or "graph" between nodes. */
    String where() {
        if (current == null) {
            return "graph";
        }
        String name = current.name().isEmpty()
                ? (current.outputs().isEmpty() ? "#" + onnx.nodes().indexOf(current) : current.outputs().get(0))
                : current.name();
        return "node '" + name + "' (" + (current.domain().isEmpty() ? "" : current.domain() + ".")
                + current.opType() + ")";
    }

    // ---- the graph input ----

    private void addInput() {
        List<OnnxModel.ValueInfo> inputs = new ArrayList<>();
        for (OnnxModel.ValueInfo in : onnx.inputs()) {
            if (!constants.containsKey(in.name())) { // before IR 4, initializers are listed as inputs too
                inputs.add(in);
            }
        }
        if (inputs.size() != 1) {
            throw new OnnxImportProblem("the graph has " + inputs.size() + " inputs besides its initializers "
                    + inputs.stream().map(OnnxModel.ValueInfo::name).toList() + "; an image classifier has one");
        }
        OnnxModel.ValueInfo in = inputs.get(0);
        if (in.elemType() != OnnxModel.FLOAT) {
            throw new OnnxImportProblem("input '" + in.name() + "' is " + OnnxTensors.typeName(in.elemType())
                    + "; only float32 inputs are supported");
        }
        List<OnnxModel.Dim> d = in.dims();
        if (d == null || d.size() != 4) {
            throw new OnnxImportProblem("input '" + in.name() + "' has shape " + d
                    + "; expected [N, 3, H, W] (or [N, H, W, 3] followed by a Transpose)");
        }
        for (int i = 1; i < 4; i++) {
            if (!d.get(i).isFixed() || d.get(i).value() < 1) {
                throw new OnnxImportProblem("input '" + in.name() + "' has shape " + d
                        + "; height, width and channels must be fixed numbers");
            }
        }
        Layout layout;
        Shape shape;
        if (d.get(1).value() == 3) {
            layout = Layout.NCHW;
            shape = new Shape((int) d.get(2).value(), (int) d.get(3).value(), 3);
        } else if (d.get(3).value() == 3) {
            layout = Layout.NHWC;
            shape = new Shape((int) d.get(1).value(), (int) d.get(2).value(), 3);
        } else {
            throw new OnnxImportProblem("input '" + in.name() + "' has shape " + d + "; an RGB input has 3 channels");
        }
        values.add(new Graph.Value(in.name(), shape));
        engineNames.add(in.name());
        acts.put(in.name(), new Act(0, layout, null, true));
    }

    // ---- dispatch ----

    private void convertNode(OnnxModel.Node node) {
        if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
            throw new OnnxImportProblem("op '" + node.domain() + "." + node.opType() + "' is not supported "
                    + "(only the standard ONNX domain)");
        }
        if (node.outputs().isEmpty()) {
            throw new OnnxImportProblem("the node has no output");
        }
        switch (node.opType()) {
            case "Constant" -> constant(node);
            case "Identity" -> alias(node, Set.of());
            case "Dropout" -> alias(node, Set.of("ratio", "seed", "is_test"));
            case "Conv" -> conv(node);
            case "BatchNormalization" -> batchNorm(node);
            case "Relu" -> {
                new OnnxAttributes(node, Set.of());
                clamp(node, 0f, Float.POSITIVE_INFINITY);
            }
            case "Clip" -> clip(node);
            case "Add" -> add(node);
            case "Mul" -> mul(node);
            case "GlobalAveragePool" -> globalAveragePool(node);
            case "ReduceMean" -> reduceMean(node);
            case "AveragePool" -> averagePool(node);
            case "Flatten" -> flatten(node);
            case "Reshape" -> reshape(node);
            case "Squeeze" -> squeeze(node);
            case "Unsqueeze" -> unsqueeze(node);
            case "Gemm" -> gemm(node);
            case "MatMul" -> matMul(node);
            case "Softmax" -> softmax(node);
            case "Transpose" -> transpose(node);
            default -> throw new OnnxImportProblem("op '" + node.opType() + "' is not supported (supported: Conv, "
                    + "BatchNormalization, Relu, Clip, Add, Mul, GlobalAveragePool, ReduceMean, AveragePool, Flatten, "
                    + "Reshape, Squeeze, Unsqueeze, Gemm, MatMul, Softmax, Transpose, Dropout, Identity, Constant)");
        }
    }

    // ---- tensor lookup ----

    private String input(OnnxModel.Node node, int i) {
        return i < node.inputs().size() ? node.inputs().get(i) : "";
    }

    private Act act(OnnxModel.Node node, int i) {
        String name = input(node, i);
        Act a = acts.get(name);
        if (a == null) {
            if (constants.containsKey(name)) {
                throw new OnnxImportProblem("input " + i + " '" + name + "' is a constant where an activation is expected");
            }
            throw new OnnxImportProblem("input " + i + " '" + name + "' is produced by no earlier node and is no "
                    + "graph input");
        }
        return a;
    }

    private Tensor constant(OnnxModel.Node node, int i, String role) {
        String name = input(node, i);
        if (name.isEmpty()) {
            throw new OnnxImportProblem("input " + i + " (" + role + ") is missing");
        }
        Tensor t = constants.get(name);
        if (t == null) {
            if (acts.containsKey(name)) {
                throw new OnnxImportProblem("input " + i + " (" + role + ") '" + name + "' is computed by the graph; "
                        + "it must be an initializer or a Constant");
            }
            throw new OnnxImportProblem("missing initializer '" + name + "' (input " + i + ", " + role + ")");
        }
        return t;
    }

    private float[] floats(OnnxModel.Node node, int i, String role) {
        try {
            return OnnxTensors.toFloats(constant(node, i, role));
        } catch (IllegalArgumentException e) {
            throw new OnnxImportProblem(role + ": " + e.getMessage());
        }
    }

    private long[] longs(Tensor t, String role) {
        try {
            return OnnxTensors.toLongs(t);
        } catch (IllegalArgumentException e) {
            throw new OnnxImportProblem(role + ": " + e.getMessage());
        }
    }

    private boolean soleReader(String name) {
        return readers.getOrDefault(name, 0) == 1 && !graphOutputs.contains(name);
    }

    private Shape shapeOf(Act a) {
        return values.get(a.value()).shape();
    }

    /** Adds an engine value named after the node's first output and maps that output to it. */
    private int newValue(OnnxModel.Node node, Shape shape, Layout layout, Shape chw) {
        String name = node.outputs().get(0);
        String unique = name;
        for (int k = 2; !engineNames.add(unique); k++) {
            unique = name + "_" + k;
        }
        values.add(new Graph.Value(unique, shape));
        int v = values.size() - 1;
        acts.put(name, new Act(v, layout, chw, true));
        return v;
    }

    private String nodeName(OnnxModel.Node node) {
        return node.name().isEmpty() ? node.outputs().get(0) : node.name();
    }

    private void emit(Node n) {
        nodes.add(n);
        producer.put(n.output(), nodes.size() - 1);
    }

    /** Maps {@code output} to the value of {@code a} (an op that changes nothing in the engine's layout). */
    private void aliasTo(String output, String inputName, Act a, Layout layout, Shape chw) {
        acts.put(output, new Act(a.value(), layout, chw, a.exclusive() && soleReader(inputName)));
    }

    // ---- ops without arithmetic ----

    private void constant(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("value", "value_float", "value_floats", "value_int",
                "value_ints"));
        String out = node.outputs().get(0);
        Tensor t = at.tensor("value");
        if (t == null && at.has("value_float")) {
            t = OnnxTensors.floats(out, new long[0], new float[] {at.real("value_float", 0f)});
        } else if (t == null && at.has("value_floats")) {
            float[] f = at.reals("value_floats");
            t = OnnxTensors.floats(out, new long[] {f.length}, f);
        } else if (t == null && at.has("value_int")) {
            t = OnnxTensors.longs(out, new long[0], new long[] {at.integer("value_int", 0)});
        } else if (t == null && at.has("value_ints")) {
            long[] l = at.integers("value_ints", new long[0]);
            t = OnnxTensors.longs(out, new long[] {l.length}, l);
        }
        if (t == null) {
            throw new OnnxImportProblem("a Constant needs a 'value' (or value_float(s)/value_int(s)) attribute");
        }
        constants.put(out, t);
    }

    private void alias(OnnxModel.Node node, Set<String> attributes) {
        new OnnxAttributes(node, attributes);
        String in = input(node, 0);
        for (int i = 1; i < node.outputs().size(); i++) {
            if (!node.outputs().get(i).isEmpty() && readers.containsKey(node.outputs().get(i))) {
                throw new OnnxImportProblem("output " + i + " '" + node.outputs().get(i)
                        + "' (a training-time output) is read by another node; only inference graphs are supported");
            }
        }
        if (constants.containsKey(in)) {
            constants.put(node.outputs().get(0), constants.get(in));
            return;
        }
        Act a = act(node, 0);
        aliasTo(node.outputs().get(0), in, a, a.layout(), a.chw());
    }

    private void transpose(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("perm"));
        Act a = act(node, 0);
        long[] perm = at.integers("perm", null);
        // The engine holds every map NHWC, so switching between the two views moves no data.
        if (a.layout() == Layout.NHWC && Arrays.equals(perm, new long[] {0, 3, 1, 2})) {
            aliasTo(node.outputs().get(0), input(node, 0), a, Layout.NCHW, null);
        } else if (a.layout() == Layout.NCHW && Arrays.equals(perm, new long[] {0, 2, 3, 1})) {
            aliasTo(node.outputs().get(0), input(node, 0), a, Layout.NHWC, null);
        } else {
            throw new OnnxImportProblem("Transpose of " + describe(a) + " with perm " + Arrays.toString(perm)
                    + " is not supported (only NCHW to NHWC, [0, 2, 3, 1], and back, [0, 3, 1, 2])");
        }
    }

    private void flatten(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axis"));
        long axis = at.integer("axis", 1);
        Act a = act(node, 0);
        int rank = a.layout() == Layout.FLAT ? 2 : 4;
        if (axis != 1 && axis != 1 - rank) {
            throw new OnnxImportProblem("attribute axis = " + axis + " is not supported (only 1: keep the batch axis)");
        }
        toFlat(node, a);
    }

    /** The node's output as the [N, K] form of {@code a}. */
    private void toFlat(OnnxModel.Node node, Act a) {
        Shape s = shapeOf(a);
        String in = input(node, 0);
        if (a.layout() == Layout.FLAT || s.h() * s.w() == 1) {
            aliasTo(node.outputs().get(0), in, a, Layout.FLAT, a.chw());
            return;
        }
        if (a.layout() == Layout.NHWC) { // flattened in the engine's own order
            Shape flat = new Shape(1, 1, s.size());
            int v = newValue(node, flat, Layout.FLAT, null);
            emit(new Reshape(nodeName(node), a.value(), v, flat));
            return;
        }
        // A real map flattened: ONNX orders the features (c, h, w), the engine (h, w, c). The engine value is
        // reshaped without moving data and the dense layer reading it has its weight columns reordered.
        Shape flat = new Shape(1, 1, s.size());
        int v = newValue(node, flat, Layout.FLAT, s);
        emit(new Reshape(nodeName(node), a.value(), v, flat));
    }

    private void reshape(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("allowzero"));
        boolean allowZero = at.integer("allowzero", 0) != 0;
        Act a = act(node, 0);
        long[] target = longs(constant(node, 1, "shape"), "shape");
        Shape s = shapeOf(a);
        int features = s.size();
        long[] from = switch (a.layout()) {
            case FLAT -> new long[] {-1, features};
            case NCHW -> new long[] {-1, s.c(), s.h(), s.w()};
            case NHWC -> new long[] {-1, s.h(), s.w(), s.c()};
        };
        String bad = "Reshape of " + describe(a) + " to " + Arrays.toString(target) + " is not supported (only "
                + "flattening to [N, K], a vector to [N, K, 1, 1], and NHWC maps to NHWC maps)";
        if (target.length == 0 || !(target[0] == -1 || target[0] == 1 || (target[0] == 0 && !allowZero))) {
            throw new OnnxImportProblem(bad + ": the first dimension must stay the batch (-1, 0 or 1)");
        }
        if (target.length == 2) {
            long k = target[1] == 0 && !allowZero ? from[1] : target[1];
            if (k != features && !(k == -1 && target[0] != -1)) {
                throw new OnnxImportProblem(bad);
            }
            toFlat(node, a);
        } else if (target.length == 4) {
            long[] dims = target.clone();
            for (int i = 1; i < 4; i++) {
                if (dims[i] == 0 && !allowZero) {
                    dims[i] = i < from.length ? from[i] : 0;
                }
            }
            if (a.layout() == Layout.NHWC) {
                reshapeNhwc(node, a, dims, bad);
                return;
            }
            boolean sameMap = a.layout() == Layout.NCHW && dims[1] == s.c() && dims[2] == s.h() && dims[3] == s.w();
            boolean vectorToMap = a.chw() == null && s.h() * s.w() == 1 && dims[1] == features && dims[2] == 1
                    && dims[3] == 1;
            if (!sameMap && !vectorToMap) {
                throw new OnnxImportProblem(bad);
            }
            aliasTo(node.outputs().get(0), input(node, 0), a, Layout.NCHW, null);
        } else {
            throw new OnnxImportProblem(bad);
        }
    }

    /** An NHWC map reshaped to another NHWC map: the engine's data order, so a plain engine Reshape. */
    private void reshapeNhwc(OnnxModel.Node node, Act a, long[] dims, String bad) {
        Shape s = shapeOf(a);
        long known = 1;
        int unknown = -1;
        for (int i = 1; i < 4; i++) {
            if (dims[i] == -1 && unknown < 0) {
                unknown = i;
            } else if (dims[i] < 1) {
                throw new OnnxImportProblem(bad);
            } else {
                known *= dims[i];
            }
        }
        if (unknown > 0) {
            dims[unknown] = s.size() / known;
        }
        if (dims[1] * dims[2] * dims[3] != s.size() || dims[1] > Integer.MAX_VALUE || dims[2] > Integer.MAX_VALUE) {
            throw new OnnxImportProblem(bad);
        }
        Shape target = new Shape((int) dims[1], (int) dims[2], (int) dims[3]);
        if (target.equals(s)) {
            aliasTo(node.outputs().get(0), input(node, 0), a, Layout.NHWC, null);
            return;
        }
        int v = newValue(node, target, Layout.NHWC, null);
        emit(new Reshape(nodeName(node), a.value(), v, target));
    }

    private long[] axes(OnnxModel.Node node, OnnxAttributes at, long axesInputFromOpset) {
        if (opset >= axesInputFromOpset) {
            String name = input(node, 1);
            return name.isEmpty() ? null : longs(constant(node, 1, "axes"), "axes");
        }
        return at.integers("axes", null);
    }

    private static boolean isSpatialAxes(long[] axes) {
        if (axes == null || axes.length != 2) {
            return false;
        }
        long a = Math.floorMod(axes[0], 4), b = Math.floorMod(axes[1], 4);
        return Math.min(a, b) == 2 && Math.max(a, b) == 3;
    }

    private void squeeze(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axes"));
        Act a = act(node, 0);
        long[] axes = axes(node, at, 13);
        Shape s = shapeOf(a);
        if (a.layout() != Layout.NCHW || s.h() * s.w() != 1 || (axes != null && !isSpatialAxes(axes))) {
            throw new OnnxImportProblem("Squeeze of " + describe(a) + " with axes " + Arrays.toString(axes)
                    + " is not supported (only [N, C, 1, 1] over axes [2, 3])");
        }
        toFlat(node, a);
    }

    private void unsqueeze(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axes"));
        Act a = act(node, 0);
        long[] axes = axes(node, at, 13);
        if (a.layout() != Layout.FLAT || a.chw() != null || axes == null || axes.length != 2
                || Math.min(axes[0], axes[1]) != 2 || Math.max(axes[0], axes[1]) != 3) {
            throw new OnnxImportProblem("Unsqueeze of " + describe(a) + " with axes " + Arrays.toString(axes)
                    + " is not supported (only [N, K] over axes [2, 3])");
        }
        aliasTo(node.outputs().get(0), input(node, 0), a, Layout.NCHW, null);
    }

    private String describe(Act a) {
        Shape s = shapeOf(a);
        return switch (a.layout()) {
            case FLAT -> "[N, " + s.size() + "]";
            case NCHW -> "[N, " + s.c() + ", " + s.h() + ", " + s.w() + "]";
            case NHWC -> "[N, " + s.h() + ", " + s.w() + ", " + s.c() + "] (NHWC)";
        };
    }

    // ---- convolution and pooling ----

    private void conv(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("kernel_shape", "strides", "pads", "dilations", "group",
                "auto_pad"));
        Act a = act(node, 0);
        requireMap(a);
        Shape x = shapeOf(a);
        Tensor wt = constant(node, 1, "weights");
        long[] wd = wt.dims();
        if (wd.length != 4) {
            throw new OnnxImportProblem("weights '" + wt.name() + "' have dims " + Arrays.toString(wd)
                    + "; only 2-D convolutions (4-D weights) are supported");
        }
        int cout = (int) wd[0], cinPerGroup = (int) wd[1], kh = (int) wd[2], kw = (int) wd[3];
        int[] kernel = at.ints("kernel_shape", 2, 0);
        if (at.has("kernel_shape") && (kernel[0] != kh || kernel[1] != kw)) {
            throw new OnnxImportProblem("attribute kernel_shape = " + Arrays.toString(kernel) + " disagrees with the "
                    + kh + "x" + kw + " weights");
        }
        requireOnes(at, "dilations");
        long group = at.integer("group", 1);
        ConvGeometry g = geometry(at, x, kh, kw);
        float[] w = floats(node, 1, "weights");
        float[] bias = input(node, 2).isEmpty() ? new float[cout] : floats(node, 2, "bias");
        if (bias.length != cout) {
            throw new OnnxImportProblem("bias has " + bias.length + " values for " + cout + " output channels");
        }
        Shape outShape = new Shape(g.outH(), g.outW(), cout);
        if (group == 1) {
            if (cinPerGroup != x.c()) {
                throw new OnnxImportProblem("weights expect " + cinPerGroup + " input channels but the input has " + x.c());
            }
            int v = newValue(node, outShape, Layout.NCHW, null);
            emit(new Conv2d(nodeName(node), a.value(), v, g, x.c(), cout,
                    OnnxTensors.oihwToOhwi(w, cout, x.c(), kh, kw), bias, Activation.NONE));
        } else if (group == x.c() && cinPerGroup == 1 && cout == x.c()) {
            int v = newValue(node, outShape, Layout.NCHW, null);
            emit(new DepthwiseConv2d(nodeName(node), a.value(), v, g, cout,
                    OnnxTensors.depthwiseToHwc(w, cout, kh, kw), bias, Activation.NONE));
        } else if (group == x.c() && cinPerGroup == 1) {
            throw new OnnxImportProblem("attribute group = " + group + " with " + cout + " outputs: a depthwise "
                    + "convolution with channel multiplier " + (cout / group) + " is not supported (only 1)");
        } else {
            throw new OnnxImportProblem("attribute group = " + group + " is not supported (only 1, or the " + x.c()
                    + " input channels for a depthwise convolution)");
        }
    }

    private void requireMap(Act a) {
        if (a.layout() != Layout.NCHW) {
            throw new OnnxImportProblem("the input is " + describe(a) + "; an [N, C, H, W] map is expected");
        }
    }

    private static void requireOnes(OnnxAttributes at, String name) {
        for (int d : at.ints(name, 2, 1)) {
            if (d != 1) {
                throw new OnnxImportProblem("attribute " + name + " = " + Arrays.toString(at.ints(name, 2, 1))
                        + " is not supported (only 1)");
            }
        }
    }

    /** Strides, pads and auto_pad resolved into explicit pads, as for Conv and AveragePool. */
    private static ConvGeometry geometry(OnnxAttributes at, Shape x, int kh, int kw) {
        int[] strides = at.ints("strides", 2, 1);
        if (strides[0] < 1 || strides[1] < 1) {
            throw new OnnxImportProblem("attribute strides = " + Arrays.toString(strides) + " must be positive");
        }
        int[] pads = at.ints("pads", 4, 0); // (top, left, bottom, right): begins of each axis, then ends
        String autoPad = at.string("auto_pad", "NOTSET");
        switch (autoPad) {
            case "NOTSET" -> { }
            case "VALID" -> pads = new int[4];
            case "SAME_UPPER", "SAME_LOWER" -> {
                boolean upper = autoPad.equals("SAME_UPPER");
                int[] h = samePads(x.h(), kh, strides[0], upper);
                int[] w = samePads(x.w(), kw, strides[1], upper);
                pads = new int[] {h[0], w[0], h[1], w[1]};
            }
            default -> throw new OnnxImportProblem("attribute auto_pad = '" + autoPad + "' is not supported");
        }
        for (int p : pads) {
            if (p < 0) {
                throw new OnnxImportProblem("attribute pads = " + Arrays.toString(pads) + " must not be negative");
            }
        }
        int outH = Math.floorDiv(x.h() + pads[0] + pads[2] - kh, strides[0]) + 1;
        int outW = Math.floorDiv(x.w() + pads[1] + pads[3] - kw, strides[1]) + 1;
        if (outH < 1 || outW < 1) {
            throw new OnnxImportProblem("a " + kh + "x" + kw + " window does not fit the " + x.h() + "x" + x.w()
                    + " input with pads " + Arrays.toString(pads));
        }
        return new ConvGeometry(x.h(), x.w(), kh, kw, strides[0], strides[1], pads[0], pads[1], pads[2], pads[3],
                outH, outW);
    }

    /** SAME padding: output ceil(in / stride); the odd pixel goes after (UPPER) or before (LOWER). */
    private static int[] samePads(int in, int k, int stride, boolean upper) {
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + k - in, 0);
        int small = total / 2, large = total - small;
        return upper ? new int[] {small, large} : new int[] {large, small};
    }

    private void averagePool(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("kernel_shape", "strides", "pads", "auto_pad",
                "ceil_mode", "count_include_pad", "dilations"));
        Act a = act(node, 0);
        requireMap(a);
        Shape x = shapeOf(a);
        if (!at.has("kernel_shape")) {
            throw new OnnxImportProblem("attribute kernel_shape is required");
        }
        int[] k = at.ints("kernel_shape", 2, 0);
        requireOnes(at, "dilations");
        ConvGeometry g = geometry(at, x, k[0], k[1]);
        boolean padded = g.padTop() + g.padLeft() + g.padBottom() + g.padRight() > 0;
        if (at.integer("count_include_pad", 0) != 0 && padded) {
            throw new OnnxImportProblem("attribute count_include_pad = 1 with padding is not supported (the engine "
                    + "leaves padding out of the average)");
        }
        if (at.integer("ceil_mode", 0) != 0) {
            int ceilH = Math.floorDiv(x.h() + g.padTop() + g.padBottom() - k[0] + g.strideH() - 1, g.strideH()) + 1;
            int ceilW = Math.floorDiv(x.w() + g.padLeft() + g.padRight() - k[1] + g.strideW() - 1, g.strideW()) + 1;
            if (ceilH != g.outH() || ceilW != g.outW()) {
                throw new OnnxImportProblem("attribute ceil_mode = 1 is not supported where it changes the output size");
            }
        }
        int v = newValue(node, new Shape(g.outH(), g.outW(), x.c()), Layout.NCHW, null);
        emit(new AvgPool(nodeName(node), a.value(), v, g, Activation.NONE));
    }

    private void globalAveragePool(OnnxModel.Node node) {
        new OnnxAttributes(node, Set.of());
        Act a = act(node, 0);
        requireMap(a);
        int v = newValue(node, new Shape(1, 1, shapeOf(a).c()), Layout.NCHW, null);
        emit(new GlobalAvgPool(nodeName(node), a.value(), v));
    }

    private void reduceMean(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axes", "keepdims", "noop_with_empty_axes"));
        Act a = act(node, 0);
        requireMap(a);
        long[] axes = axes(node, at, 18);
        if (!isSpatialAxes(axes)) {
            throw new OnnxImportProblem("ReduceMean over axes " + Arrays.toString(axes)
                    + " is not supported (only the spatial axes [2, 3])");
        }
        boolean keep = at.integer("keepdims", 1) != 0;
        int v = newValue(node, new Shape(1, 1, shapeOf(a).c()), keep ? Layout.NCHW : Layout.FLAT, null);
        emit(new GlobalAvgPool(nodeName(node), a.value(), v));
    }

    // ---- dense layers ----

    private void gemm(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("alpha", "beta", "transA", "transB"));
        Act a = act(node, 0);
        if (a.layout() != Layout.FLAT) {
            throw new OnnxImportProblem("input A is " + describe(a) + "; Gemm needs [N, K] (Flatten it first)");
        }
        if (at.integer("transA", 0) != 0) {
            throw new OnnxImportProblem("attribute transA = 1 is not supported (A is the activation, [N, K])");
        }
        boolean transB = at.integer("transB", 0) != 0;
        float alpha = at.real("alpha", 1f), beta = at.real("beta", 1f);
        int k = shapeOf(a).size();
        Tensor bt = constant(node, 1, "B");
        long[] bd = bt.dims();
        if (bd.length != 2 || bd[transB ? 1 : 0] != k) {
            throw new OnnxImportProblem("B '" + bt.name() + "' has dims " + Arrays.toString(bd) + " but A has " + k
                    + " features (transB = " + (transB ? 1 : 0) + ")");
        }
        int out = (int) bd[transB ? 0 : 1];
        float[] w = floats(node, 1, "B");
        if (!transB) {
            w = OnnxTensors.transpose(w, k, out);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] *= alpha;
        }
        float[] bias = new float[out];
        if (!input(node, 2).isEmpty()) {
            float[] c = perChannel(constant(node, 2, "C"), out, false, "C");
            for (int i = 0; i < out; i++) {
                bias[i] = beta * c[i];
            }
        }
        dense(node, a, w, bias, out);
    }

    private void matMul(OnnxModel.Node node) {
        new OnnxAttributes(node, Set.of());
        Act a = act(node, 0);
        if (a.layout() != Layout.FLAT) {
            throw new OnnxImportProblem("input A is " + describe(a) + "; only [N, K] x [K, M] is supported");
        }
        int k = shapeOf(a).size();
        Tensor bt = constant(node, 1, "B");
        if (bt.dims().length != 2 || bt.dims()[0] != k) {
            throw new OnnxImportProblem("B '" + bt.name() + "' has dims " + Arrays.toString(bt.dims()) + " but A has "
                    + k + " features");
        }
        int out = (int) bt.dims()[1];
        dense(node, a, OnnxTensors.transpose(floats(node, 1, "B"), k, out), new float[out], out);
    }

    private void dense(OnnxModel.Node node, Act a, float[] w, float[] bias, int out) {
        Shape chw = a.chw();
        if (chw != null) {
            w = OnnxTensors.chwColumnsToHwc(w, out, chw.h(), chw.w(), chw.c());
        }
        int v = newValue(node, new Shape(1, 1, out), Layout.FLAT, null);
        emit(new FullyConnected(nodeName(node), a.value(), v, shapeOf(a).size(), out, w, bias, Activation.NONE));
    }

    private void softmax(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axis"));
        Act a = act(node, 0);
        Shape s = shapeOf(a);
        int rank = a.layout() == Layout.FLAT ? 2 : 4;
        long axis = Math.floorMod(at.integer("axis", opset >= 13 ? -1 : 1), rank);
        // Before opset 13 Softmax flattens from 'axis' on, so axis 1 covers C x 1 x 1; from 13 it is one axis.
        boolean overClasses = a.layout() == Layout.NHWC
                ? s.h() * s.w() == 1 && (axis == 3 || (opset < 13 && axis >= 1))
                : axis == 1 && (rank == 2 || s.h() * s.w() == 1);
        if (!overClasses || a.chw() != null) {
            throw new OnnxImportProblem("Softmax over axis " + at.integer("axis", opset >= 13 ? -1 : 1) + " of "
                    + describe(a) + " is not supported (only over the classes of a vector)");
        }
        int v = newValue(node, s, a.layout(), null);
        emit(new Softmax(nodeName(node), a.value(), v, 1f));
    }

    // ---- per-channel operations, folded where possible ----

    private void clip(OnnxModel.Node node) {
        float lo, hi;
        if (opset < 11) {
            OnnxAttributes at = new OnnxAttributes(node, Set.of("min", "max"));
            lo = at.real("min", Float.NEGATIVE_INFINITY);
            hi = at.real("max", Float.POSITIVE_INFINITY);
        } else {
            new OnnxAttributes(node, Set.of());
            lo = input(node, 1).isEmpty() ? Float.NEGATIVE_INFINITY : scalar(node, 1, "min");
            hi = input(node, 2).isEmpty() ? Float.POSITIVE_INFINITY : scalar(node, 2, "max");
        }
        // The format's defaults are the float extremes; as bounds they are the same as no bound.
        clamp(node, lo <= -Float.MAX_VALUE ? Float.NEGATIVE_INFINITY : lo,
                hi >= Float.MAX_VALUE ? Float.POSITIVE_INFINITY : hi);
    }

    private float scalar(OnnxModel.Node node, int i, String role) {
        float[] v = floats(node, i, role);
        if (v.length != 1) {
            throw new OnnxImportProblem(role + " '" + input(node, i) + "' has " + v.length + " values; a scalar is expected");
        }
        return v[0];
    }

    private void clamp(OnnxModel.Node node, float lo, float hi) {
        if (Float.isNaN(lo) || Float.isNaN(hi) || lo > hi) {
            throw new OnnxImportProblem("clip range [" + lo + ", " + hi + "] is empty");
        }
        Act a = act(node, 0);
        Activation act = new Activation(lo, hi);
        Integer at = producer.get(a.value());
        if (a.exclusive() && soleReader(input(node, 0)) && at != null) {
            Node fused = NodeRewrites.withActivation(nodes.get(at), act);
            if (fused != null) {
                nodes.set(at, fused);
                aliasTo(node.outputs().get(0), input(node, 0), a, a.layout(), a.chw());
                return;
            }
        }
        int c = shapeOf(a).c();
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        channelAffine(node, a, ones, new float[c], act);
    }

    private void batchNorm(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("epsilon", "momentum", "spatial", "training_mode",
                "is_test", "consumed_inputs"));
        if (at.integer("training_mode", 0) != 0) {
            throw new OnnxImportProblem("attribute training_mode = 1 is not supported (inference only)");
        }
        if (at.integer("spatial", 1) != 1) {
            throw new OnnxImportProblem("attribute spatial = 0 is not supported");
        }
        for (int i = 1; i < node.outputs().size(); i++) {
            if (readers.containsKey(node.outputs().get(i))) {
                throw new OnnxImportProblem("output " + i + " '" + node.outputs().get(i) + "' (running statistics) is "
                        + "read by another node; only inference graphs are supported");
            }
        }
        Act a = act(node, 0);
        int c = channelsOf(a);
        float eps = at.real("epsilon", 1e-5f);
        float[] gamma = vector(node, 1, "scale", c);
        float[] beta = vector(node, 2, "B", c);
        float[] mean = vector(node, 3, "input_mean", c);
        float[] var = vector(node, 4, "input_var", c);
        float[] scale = new float[c], shift = new float[c];
        for (int i = 0; i < c; i++) {
            scale[i] = (float) (gamma[i] / Math.sqrt((double) var[i] + eps));
            shift[i] = beta[i] - mean[i] * scale[i];
        }
        affine(node, a, scale, shift);
    }

    private float[] vector(OnnxModel.Node node, int i, String role, int c) {
        float[] v = floats(node, i, role);
        if (v.length != c) {
            throw new OnnxImportProblem(role + " '" + input(node, i) + "' has " + v.length + " values for " + c
                    + " channels");
        }
        return v;
    }

    private void add(OnnxModel.Node node) {
        new OnnxAttributes(node, Set.of());
        boolean leftConst = constants.containsKey(input(node, 0));
        boolean rightConst = constants.containsKey(input(node, 1));
        if (!leftConst && !rightConst) {
            Act l = act(node, 0), r = act(node, 1);
            if (l.layout() != r.layout() || !shapeOf(l).equals(shapeOf(r)) || !java.util.Objects.equals(l.chw(), r.chw())) {
                throw new OnnxImportProblem("operands " + describe(l) + " and " + describe(r) + " differ; only an "
                        + "element-wise Add of equal shapes is supported (or a per-channel constant)");
            }
            int v = newValue(node, shapeOf(l), l.layout(), l.chw());
            emit(new Add(nodeName(node), l.value(), r.value(), v, Activation.NONE));
            return;
        }
        int ai = leftConst ? 1 : 0;
        Act a = act(node, ai);
        int c = channelsOf(a);
        float[] shift = perChannel(constants.get(input(node, 1 - ai)), c, a.layout() == Layout.NCHW, "addend");
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        affine(node, a, ones, shift);
    }

    private void mul(OnnxModel.Node node) {
        new OnnxAttributes(node, Set.of());
        boolean leftConst = constants.containsKey(input(node, 0));
        if (leftConst == constants.containsKey(input(node, 1))) {
            throw new OnnxImportProblem("only a Mul by a constant (scalar or per channel) is supported");
        }
        int ai = leftConst ? 1 : 0;
        Act a = act(node, ai);
        int c = channelsOf(a);
        affine(node, a, perChannel(constants.get(input(node, 1 - ai)), c, a.layout() == Layout.NCHW, "factor"),
                new float[c]);
    }

    private int channelsOf(Act a) {
        if (a.chw() != null || a.layout() == Layout.NHWC) {
            throw new OnnxImportProblem("a per-channel operation on " + describe(a) + (a.chw() != null
                    ? ", a flattened map," : "") + " is not supported (only on [N, C, H, W] and [N, C])");
        }
        return shapeOf(a).c();
    }

    /**
     * A constant that broadcasts per channel: a scalar, or c values shaped [c], [1, c] against [N, c], or
     * [c, 1, 1], [1, c, 1, 1] against [N, c, h, w].
     */
    private float[] perChannel(Tensor t, int c, boolean map, String role) {
        float[] v;
        try {
            v = OnnxTensors.toFloats(t);
        } catch (IllegalArgumentException e) {
            throw new OnnxImportProblem(role + ": " + e.getMessage());
        }
        long[] d = t.dims();
        if (v.length == 1 && (d.length <= (map ? 4 : 2))) {
            float[] out = new float[c];
            Arrays.fill(out, v[0]);
            return out;
        }
        boolean fits = v.length == c && (map
                ? (d.length == 3 && d[1] == 1 && d[2] == 1) || (d.length == 4 && d[0] == 1 && d[2] == 1 && d[3] == 1)
                : d.length == 1 || (d.length == 2 && d[0] == 1));
        if (!fits) {
            throw new OnnxImportProblem(role + " '" + t.name() + "' has dims " + Arrays.toString(d) + "; only a scalar "
                    + "or one value per channel (" + c + ") is supported");
        }
        return v;
    }

    /** y * scale + shift per channel: folded into the producer when possible, else a 1x1 depthwise layer. */
    private void affine(OnnxModel.Node node, Act a, float[] scale, float[] shift) {
        Integer at = producer.get(a.value());
        if (a.exclusive() && soleReader(input(node, 0)) && at != null && a.chw() == null) {
            Node folded = NodeRewrites.withAffine(nodes.get(at), scale, shift);
            if (folded != null) {
                nodes.set(at, folded);
                aliasTo(node.outputs().get(0), input(node, 0), a, a.layout(), a.chw());
                return;
            }
        }
        channelAffine(node, a, scale, shift, Activation.NONE);
    }

    /** A per-channel affine map and clamp as its own layer: a depthwise convolution with 1x1 kernels. */
    private void channelAffine(OnnxModel.Node node, Act a, float[] scale, float[] shift, Activation act) {
        Shape s = shapeOf(a);
        ConvGeometry g = new ConvGeometry(s.h(), s.w(), 1, 1, 1, 1, 0, 0, 0, 0, s.h(), s.w());
        int v = newValue(node, s, a.layout(), a.chw());
        emit(new DepthwiseConv2d(nodeName(node), a.value(), v, g, s.c(), scale.clone(), shift.clone(), act));
    }
}
