package org.flinkmobilenet.engine.onnx;

import java.util.Arrays;
import java.util.Set;
import org.flinkmobilenet.engine.graph.Reshape;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.onnx.ImportState.Act;
import org.flinkmobilenet.engine.onnx.ImportState.Layout;
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;

/**
 * ONNX ops that move no data in the engine: Constant, Identity and Dropout, Transpose between NCHW and
 * NHWC, Flatten, Reshape, Squeeze and Unsqueeze. Most only re-label a value; flattening a real map
 * becomes an engine Reshape, and flattening an NCHW map records that its features are ordered
 * (c, h, w), which the dense layer reading it undoes in its weights.
 */
final class ShapeOps {

    private final ImportState state;

    ShapeOps(ImportState state) {
        this.state = state;
    }

    void constantNode(OnnxModel.Node node) {
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
        state.constants.put(out, t);
    }

    void alias(OnnxModel.Node node, Set<String> attributes) {
        new OnnxAttributes(node, attributes);
        String in = state.input(node, 0);
        for (int i = 1; i < node.outputs().size(); i++) {
            if (!node.outputs().get(i).isEmpty() && state.readers.containsKey(node.outputs().get(i))) {
                throw new OnnxImportProblem("output " + i + " '" + node.outputs().get(i)
                        + "' (a training-time output) is read by another node; only inference graphs are supported");
            }
        }
        if (state.constants.containsKey(in)) {
            state.constants.put(node.outputs().get(0), state.constants.get(in));
            return;
        }
        Act a = state.act(node, 0);
        state.aliasTo(node.outputs().get(0), in, a, a.layout(), a.chw());
    }

    void transpose(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("perm"));
        Act a = state.act(node, 0);
        long[] perm = at.integers("perm", null);
        // The engine holds every map NHWC, so switching between the two views moves no data.
        if (a.layout() == Layout.NHWC && Arrays.equals(perm, new long[] {0, 3, 1, 2})) {
            state.aliasTo(node.outputs().get(0), state.input(node, 0), a, Layout.NCHW, null);
        } else if (a.layout() == Layout.NCHW && Arrays.equals(perm, new long[] {0, 2, 3, 1})) {
            state.aliasTo(node.outputs().get(0), state.input(node, 0), a, Layout.NHWC, null);
        } else {
            throw new OnnxImportProblem("Transpose of " + state.describe(a) + " with perm " + Arrays.toString(perm)
                    + " is not supported (only NCHW to NHWC, [0, 2, 3, 1], and back, [0, 3, 1, 2])");
        }
    }

    void flatten(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axis"));
        long axis = at.integer("axis", 1);
        Act a = state.act(node, 0);
        int rank = a.layout() == Layout.FLAT ? 2 : 4;
        if (axis != 1 && axis != 1 - rank) {
            throw new OnnxImportProblem("attribute axis = " + axis + " is not supported (only 1: keep the batch axis)");
        }
        toFlat(node, a);
    }

    /** The node's output as the [N, K] form of {@code a}. */
    private void toFlat(OnnxModel.Node node, Act a) {
        Shape s = state.shapeOf(a);
        String in = state.input(node, 0);
        if (a.layout() == Layout.FLAT || s.h() * s.w() == 1) {
            state.aliasTo(node.outputs().get(0), in, a, Layout.FLAT, a.chw());
            return;
        }
        if (a.layout() == Layout.NHWC) { // flattened in the engine's own order
            Shape flat = new Shape(1, 1, s.size());
            int v = state.newValue(node, flat, Layout.FLAT, null);
            state.emit(new Reshape(state.nodeName(node), a.value(), v, flat));
            return;
        }
        // A real map flattened: ONNX orders the features (c, h, w), the engine (h, w, c). The engine value is
        // reshaped without moving data and the dense layer reading it has its weight columns reordered.
        Shape flat = new Shape(1, 1, s.size());
        int v = state.newValue(node, flat, Layout.FLAT, s);
        state.emit(new Reshape(state.nodeName(node), a.value(), v, flat));
    }

    void reshape(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("allowzero"));
        boolean allowZero = at.integer("allowzero", 0) != 0;
        Act a = state.act(node, 0);
        long[] target = state.longs(state.constantInput(node, 1, "shape"), "shape");
        Shape s = state.shapeOf(a);
        int features = s.size();
        long[] from = switch (a.layout()) {
            case FLAT -> new long[] {-1, features};
            case NCHW -> new long[] {-1, s.c(), s.h(), s.w()};
            case NHWC -> new long[] {-1, s.h(), s.w(), s.c()};
        };
        String bad = "Reshape of " + state.describe(a) + " to " + Arrays.toString(target) + " is not supported (only "
                + "flattening to [N, K], a vector to [N, K, 1, 1], and NHWC maps to NHWC maps)";
        if (target.length == 0 || !(target[0] == -1 || target[0] == 1 || target[0] == ImportState.BATCH
                || (target[0] == 0 && !allowZero))) {
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
            state.aliasTo(node.outputs().get(0), state.input(node, 0), a, Layout.NCHW, null);
        } else {
            throw new OnnxImportProblem(bad);
        }
    }

    /** An NHWC map reshaped to another NHWC map: the engine's data order, so a plain engine Reshape. */
    private void reshapeNhwc(OnnxModel.Node node, Act a, long[] dims, String bad) {
        Shape s = state.shapeOf(a);
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
            state.aliasTo(node.outputs().get(0), state.input(node, 0), a, Layout.NHWC, null);
            return;
        }
        int v = state.newValue(node, target, Layout.NHWC, null);
        state.emit(new Reshape(state.nodeName(node), a.value(), v, target));
    }

    void squeeze(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axes"));
        Act a = state.act(node, 0);
        long[] axes = state.axes(node, at, 13);
        Shape s = state.shapeOf(a);
        if (a.layout() != Layout.NCHW || s.h() * s.w() != 1 || (axes != null && !ImportState.isSpatialAxes(axes))) {
            throw new OnnxImportProblem("Squeeze of " + state.describe(a) + " with axes " + Arrays.toString(axes)
                    + " is not supported (only [N, C, 1, 1] over axes [2, 3])");
        }
        toFlat(node, a);
    }

    void unsqueeze(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axes"));
        Act a = state.act(node, 0);
        long[] axes = state.axes(node, at, 13);
        if (a.layout() != Layout.FLAT || a.chw() != null || axes == null || axes.length != 2
                || Math.min(axes[0], axes[1]) != 2 || Math.max(axes[0], axes[1]) != 3) {
            throw new OnnxImportProblem("Unsqueeze of " + state.describe(a) + " with axes " + Arrays.toString(axes)
                    + " is not supported (only [N, K] over axes [2, 3])");
        }
        state.aliasTo(node.outputs().get(0), state.input(node, 0), a, Layout.NCHW, null);
    }
}
