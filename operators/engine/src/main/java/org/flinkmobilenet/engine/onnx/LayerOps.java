package org.flinkmobilenet.engine.onnx;

import java.util.Arrays;
import java.util.Set;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.ConvGeometry;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.GlobalAvgPool;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.graph.Softmax;
import org.flinkmobilenet.engine.onnx.ImportState.Act;
import org.flinkmobilenet.engine.onnx.ImportState.Layout;
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;

/**
 * ONNX ops that become engine layers: Conv (group 1 or depthwise; weights NCHW to NHWC), AveragePool,
 * GlobalAveragePool and ReduceMean over H and W, Gemm and MatMul (dense layers), Softmax.
 */
final class LayerOps {

    private final ImportState state;

    LayerOps(ImportState state) {
        this.state = state;
    }

    void conv(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("kernel_shape", "strides", "pads", "dilations", "group",
                "auto_pad"));
        Act a = state.act(node, 0);
        state.requireMap(a);
        Shape x = state.shapeOf(a);
        Tensor wt = state.constantInput(node, 1, "weights");
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
        float[] w = state.floats(node, 1, "weights");
        float[] bias = state.input(node, 2).isEmpty() ? new float[cout] : state.floats(node, 2, "bias");
        if (bias.length != cout) {
            throw new OnnxImportProblem("bias has " + bias.length + " values for " + cout + " output channels");
        }
        Shape outShape = new Shape(g.outH(), g.outW(), cout);
        if (group == 1) {
            if (cinPerGroup != x.c()) {
                throw new OnnxImportProblem("weights expect " + cinPerGroup + " input channels but the input has " + x.c());
            }
            int v = state.newValue(node, outShape, Layout.NCHW, null);
            state.emit(new Conv2d(state.nodeName(node), a.value(), v, g, x.c(), cout,
                    OnnxTensors.oihwToOhwi(w, cout, x.c(), kh, kw), bias, Activation.NONE));
        } else if (group == x.c() && cinPerGroup == 1 && cout == x.c()) {
            int v = state.newValue(node, outShape, Layout.NCHW, null);
            state.emit(new DepthwiseConv2d(state.nodeName(node), a.value(), v, g, cout,
                    OnnxTensors.depthwiseToHwc(w, cout, kh, kw), bias, Activation.NONE));
        } else if (group == x.c() && cinPerGroup == 1) {
            throw new OnnxImportProblem("attribute group = " + group + " with " + cout + " outputs: a depthwise "
                    + "convolution with channel multiplier " + (cout / group) + " is not supported (only 1)");
        } else {
            throw new OnnxImportProblem("attribute group = " + group + " is not supported (only 1, or the " + x.c()
                    + " input channels for a depthwise convolution)");
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

    void averagePool(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("kernel_shape", "strides", "pads", "auto_pad",
                "ceil_mode", "count_include_pad", "dilations"));
        Act a = state.act(node, 0);
        state.requireMap(a);
        Shape x = state.shapeOf(a);
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
        int v = state.newValue(node, new Shape(g.outH(), g.outW(), x.c()), Layout.NCHW, null);
        state.emit(new AvgPool(state.nodeName(node), a.value(), v, g, Activation.NONE));
    }

    void globalAveragePool(OnnxModel.Node node) {
        new OnnxAttributes(node, Set.of());
        Act a = state.act(node, 0);
        state.requireMap(a);
        int v = state.newValue(node, new Shape(1, 1, state.shapeOf(a).c()), Layout.NCHW, null);
        state.emit(new GlobalAvgPool(state.nodeName(node), a.value(), v));
    }

    void reduceMean(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axes", "keepdims", "noop_with_empty_axes"));
        Act a = state.act(node, 0);
        state.requireMap(a);
        long[] axes = state.axes(node, at, 18);
        if (!ImportState.isSpatialAxes(axes)) {
            throw new OnnxImportProblem("ReduceMean over axes " + Arrays.toString(axes)
                    + " is not supported (only the spatial axes [2, 3])");
        }
        boolean keep = at.integer("keepdims", 1) != 0;
        int v = state.newValue(node, new Shape(1, 1, state.shapeOf(a).c()), keep ? Layout.NCHW : Layout.FLAT, null);
        state.emit(new GlobalAvgPool(state.nodeName(node), a.value(), v));
    }

    void gemm(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("alpha", "beta", "transA", "transB"));
        Act a = state.act(node, 0);
        if (a.layout() != Layout.FLAT) {
            throw new OnnxImportProblem("input A is " + state.describe(a) + "; Gemm needs [N, K] (Flatten it first)");
        }
        if (at.integer("transA", 0) != 0) {
            throw new OnnxImportProblem("attribute transA = 1 is not supported (A is the activation, [N, K])");
        }
        boolean transB = at.integer("transB", 0) != 0;
        float alpha = at.real("alpha", 1f), beta = at.real("beta", 1f);
        int k = state.shapeOf(a).size();
        Tensor bt = state.constantInput(node, 1, "B");
        long[] bd = bt.dims();
        if (bd.length != 2 || bd[transB ? 1 : 0] != k) {
            throw new OnnxImportProblem("B '" + bt.name() + "' has dims " + Arrays.toString(bd) + " but A has " + k
                    + " features (transB = " + (transB ? 1 : 0) + ")");
        }
        int out = (int) bd[transB ? 0 : 1];
        float[] w = state.floats(node, 1, "B");
        if (!transB) {
            w = OnnxTensors.transpose(w, k, out);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] *= alpha;
        }
        float[] bias = new float[out];
        if (!state.input(node, 2).isEmpty()) {
            float[] c = ImportState.perChannel(state.constantInput(node, 2, "C"), out, false, "C");
            for (int i = 0; i < out; i++) {
                bias[i] = beta * c[i];
            }
        }
        dense(node, a, w, bias, out);
    }

    void matMul(OnnxModel.Node node) {
        new OnnxAttributes(node, Set.of());
        Act a = state.act(node, 0);
        if (a.layout() != Layout.FLAT) {
            throw new OnnxImportProblem("input A is " + state.describe(a) + "; only [N, K] x [K, M] is supported");
        }
        int k = state.shapeOf(a).size();
        Tensor bt = state.constantInput(node, 1, "B");
        if (bt.dims().length != 2 || bt.dims()[0] != k) {
            throw new OnnxImportProblem("B '" + bt.name() + "' has dims " + Arrays.toString(bt.dims()) + " but A has "
                    + k + " features");
        }
        int out = (int) bt.dims()[1];
        dense(node, a, OnnxTensors.transpose(state.floats(node, 1, "B"), k, out), new float[out], out);
    }

    private void dense(OnnxModel.Node node, Act a, float[] w, float[] bias, int out) {
        Shape chw = a.chw();
        if (chw != null) {
            w = OnnxTensors.chwColumnsToHwc(w, out, chw.h(), chw.w(), chw.c());
        }
        int v = state.newValue(node, new Shape(1, 1, out), Layout.FLAT, null);
        state.emit(new FullyConnected(state.nodeName(node), a.value(), v, state.shapeOf(a).size(), out, w, bias, Activation.NONE));
    }

    void softmax(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("axis"));
        Act a = state.act(node, 0);
        Shape s = state.shapeOf(a);
        int rank = a.layout() == Layout.FLAT ? 2 : 4;
        long axis = Math.floorMod(at.integer("axis", state.opset >= 13 ? -1 : 1), rank);
        // Before opset 13 Softmax flattens from 'axis' on, so axis 1 covers C x 1 x 1; from 13 it is one axis.
        boolean overClasses = a.layout() == Layout.NHWC
                ? s.h() * s.w() == 1 && (axis == 3 || (state.opset < 13 && axis >= 1))
                : axis == 1 && (rank == 2 || s.h() * s.w() == 1);
        if (!overClasses || a.chw() != null) {
            throw new OnnxImportProblem("Softmax over axis " + at.integer("axis", state.opset >= 13 ? -1 : 1) + " of "
                    + state.describe(a) + " is not supported (only over the classes of a vector)");
        }
        int v = state.newValue(node, s, a.layout(), null);
        state.emit(new Softmax(state.nodeName(node), a.value(), v, 1f));
    }
}
