package org.flinkmobilenet.engine.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.Node;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;

/**
 * What an ONNX import has built so far, shared by the op converters ({@link ShapeOps}, {@link LayerOps},
 * {@link ChannelOps}): the engine values and nodes, and what each ONNX tensor name stands for, a
 * constant (initializer or Constant output) or an activation {@link Act}.
 */
final class ImportState {

    /**
     * How an ONNX tensor maps onto its engine value: NCHW [N, C, H, W] and NHWC [N, H, W, C] maps are
     * both held as the engine's h x w x c value; FLAT [N, K] is held as 1 x 1 x K.
     */
    enum Layout { NCHW, FLAT, NHWC }

    /**
     * An activation tensor. {@code chw} is set on a FLAT tensor that flattened an h x w x c map with
     * h * w > 1: ONNX orders its features (c, h, w), the engine value holds them (h, w, c).
     * {@code exclusive}: nothing but this tensor name reaches the value, so folding into its producer
     * is invisible to other readers.
     */
    record Act(int value, Layout layout, Shape chw, boolean exclusive) {}

    /** The batch size in shape values computed at load (see {@link ShapeValueOps}), where it is unknown. */
    static final long BATCH = Long.MIN_VALUE;

    final long opset;
    final List<Graph.Value> values = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    final Map<Integer, Integer> producer = new HashMap<>(); // value -> index in nodes
    final Map<String, Tensor> constants = new HashMap<>();
    final Map<String, Act> acts = new HashMap<>();
    final Map<String, Integer> readers = new HashMap<>();   // tensor name -> reading node inputs
    final Set<String> graphOutputs = new HashSet<>();
    final Set<String> engineNames = new HashSet<>();

    ImportState(OnnxModel.Graph onnx, long opset) {
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

    String input(OnnxModel.Node node, int i) {
        return i < node.inputs().size() ? node.inputs().get(i) : "";
    }

    Act act(OnnxModel.Node node, int i) {
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

    Tensor constantInput(OnnxModel.Node node, int i, String role) {
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

    float[] floats(OnnxModel.Node node, int i, String role) {
        try {
            return OnnxTensors.toFloats(constantInput(node, i, role));
        } catch (IllegalArgumentException e) {
            throw new OnnxImportProblem(role + ": " + e.getMessage());
        }
    }

    long[] longs(Tensor t, String role) {
        try {
            return OnnxTensors.toLongs(t);
        } catch (IllegalArgumentException e) {
            throw new OnnxImportProblem(role + ": " + e.getMessage());
        }
    }

    boolean soleReader(String name) {
        return readers.getOrDefault(name, 0) == 1 && !graphOutputs.contains(name);
    }

    Shape shapeOf(Act a) {
        return values.get(a.value()).shape();
    }

    /** Adds an engine value named after the node's first output and maps that output to it. */
    int newValue(OnnxModel.Node node, Shape shape, Layout layout, Shape chw) {
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

    String nodeName(OnnxModel.Node node) {
        return node.name().isEmpty() ? node.outputs().get(0) : node.name();
    }

    void emit(Node n) {
        nodes.add(n);
        producer.put(n.output(), nodes.size() - 1);
    }

    /** Maps {@code output} to the value of {@code a} (an op that changes nothing in the engine's layout). */
    void aliasTo(String output, String inputName, Act a, Layout layout, Shape chw) {
        acts.put(output, new Act(a.value(), layout, chw, a.exclusive() && soleReader(inputName)));
    }

    String describe(Act a) {
        Shape s = shapeOf(a);
        return switch (a.layout()) {
            case FLAT -> "[N, " + s.size() + "]";
            case NCHW -> "[N, " + s.c() + ", " + s.h() + ", " + s.w() + "]";
            case NHWC -> "[N, " + s.h() + ", " + s.w() + ", " + s.c() + "] (NHWC)";
        };
    }

    long[] axes(OnnxModel.Node node, OnnxAttributes at, long axesInputFromOpset) {
        if (opset >= axesInputFromOpset) {
            String name = input(node, 1);
            return name.isEmpty() ? null : longs(constantInput(node, 1, "axes"), "axes");
        }
        return at.integers("axes", null);
    }

    static boolean isSpatialAxes(long[] axes) {
        if (axes == null || axes.length != 2) {
            return false;
        }
        long a = Math.floorMod(axes[0], 4), b = Math.floorMod(axes[1], 4);
        return Math.min(a, b) == 2 && Math.max(a, b) == 3;
    }

    void requireMap(Act a) {
        if (a.layout() != Layout.NCHW) {
            throw new OnnxImportProblem("the input is " + describe(a) + "; an [N, C, H, W] map is expected");
        }
    }

    /**
     * A constant that broadcasts per channel: a scalar, or c values shaped [c], [1, c] against [N, c], or
     * [c, 1, 1], [1, c, 1, 1] against [N, c, h, w].
     */
    static float[] perChannel(Tensor t, int c, boolean map, String role) {
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
}
