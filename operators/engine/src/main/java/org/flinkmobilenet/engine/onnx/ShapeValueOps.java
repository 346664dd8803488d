package org.flinkmobilenet.engine.onnx;

import java.util.Arrays;
import java.util.Set;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.onnx.ImportState.Act;
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;

/**
 * Shape arithmetic computed at load: Shape, Gather, Unsqueeze and Concat on int64 constants, the
 * pattern older PyTorch exports write for {@code x.view(x.size(0), -1)} (Shape → Gather → Unsqueeze →
 * Concat → Reshape). The batch size is unknown at load, so it travels as {@link ImportState#BATCH},
 * which Reshape reads as "keep the batch".
 */
final class ShapeValueOps {

    private final ImportState state;

    ShapeValueOps(ImportState state) {
        this.state = state;
    }

    void shape(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("start", "end"));
        String in = state.input(node, 0);
        long[] dims;
        if (state.constants.containsKey(in)) {
            dims = state.constants.get(in).dims().clone();
        } else {
            Act a = state.act(node, 0);
            Shape s = state.shapeOf(a);
            dims = switch (a.layout()) {
                case FLAT -> new long[] {ImportState.BATCH, s.size()};
                case NCHW -> new long[] {ImportState.BATCH, s.c(), s.h(), s.w()};
                case NHWC -> new long[] {ImportState.BATCH, s.h(), s.w(), s.c()};
            };
        }
        int rank = dims.length;
        int start = (int) Math.min(Math.max(wrap(at.integer("start", 0), rank), 0), rank);
        int end = (int) Math.min(Math.max(wrap(at.integer("end", rank), rank), start), rank);
        put(node, Arrays.copyOfRange(dims, start, end), new long[] {end - start});
    }

    void gather(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axis"));
        long[] data = shapeValues(node, 0, "data");
        Tensor indices = state.constantInput(node, 1, "indices");
        if (at.integer("axis", 0) != 0) {
            throw new OnnxImportProblem("attribute axis = " + at.integer("axis", 0) + " is not supported (only 0)");
        }
        long[] ix = state.longs(indices, "indices");
        long[] out = new long[ix.length];
        for (int i = 0; i < ix.length; i++) {
            long k = wrap(ix[i], data.length);
            if (k < 0 || k >= data.length) {
                throw new OnnxImportProblem("index " + ix[i] + " is outside the " + data.length + " values gathered from");
            }
            out[i] = data[(int) k];
        }
        put(node, out, indices.dims());
    }

    void unsqueeze(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axes"));
        Tensor t = state.constantInput(node, 0, "data");
        long[] values = state.longs(t, "data");
        long[] axes = state.axes(node, at, 13);
        if (axes == null) {
            throw new OnnxImportProblem("Unsqueeze needs axes");
        }
        int rank = t.dims().length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            long k = wrap(a, rank);
            if (k < 0 || k >= rank || inserted[(int) k]) {
                throw new OnnxImportProblem("axes " + Arrays.toString(axes) + " do not fit rank " + rank);
            }
            inserted[(int) k] = true;
        }
        long[] dims = new long[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            dims[i] = inserted[i] ? 1 : t.dims()[j++];
        }
        put(node, values, dims);
    }

    void concat(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axis"));
        if (at.integer("axis", 0) != 0 && at.integer("axis", 0) != -1) {
            throw new OnnxImportProblem("attribute axis = " + at.integer("axis", 0) + " is not supported: only shape "
                    + "values (1-D int64) are concatenated");
        }
        long[][] parts = new long[node.inputs().size()][];
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = shapeValues(node, i, "input " + i);
            total += parts[i].length;
        }
        long[] out = new long[total];
        int at0 = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, at0, p.length);
            at0 += p.length;
        }
        put(node, out, new long[] {total});
    }

    /** A 1-D int64/int32 constant's values; activations are refused, since only shape values are supported. */
    private long[] shapeValues(OnnxModel.Node node, int i, String role) {
        String name = state.input(node, i);
        if (state.acts.containsKey(name)) {
            throw new OnnxImportProblem(node.opType() + " of activations is not supported (only of shape values, "
                    + "1-D int64 constants); input " + i + " '" + name + "' is an activation");
        }
        Tensor t = state.constantInput(node, i, role);
        if (t.dims().length > 1) {
            throw new OnnxImportProblem(role + " '" + name + "' has dims " + Arrays.toString(t.dims())
                    + "; only 1-D shape values are supported");
        }
        return state.longs(t, role);
    }

    private void put(OnnxModel.Node node, long[] values, long[] dims) {
        String out = node.outputs().get(0);
        state.constants.put(out, OnnxTensors.longs(out, dims, values));
    }

    private static long wrap(long index, int size) {
        return index < 0 ? index + size : index;
    }
}
