package org.flinkmobilenet.engine.onnx;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.ConvGeometry;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.Node;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.onnx.ImportState.Act;
import org.flinkmobilenet.engine.onnx.ImportState.Layout;
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;

/**
 * Per-channel ONNX ops: Relu and Clip (a clamp), BatchNormalization and Add/Mul by a constant (an affine
 * map), and Add of two activations. Each folds into the layer that produced its input when it is that
 * value's only reader and the layer can absorb it; otherwise it becomes a 1x1 depthwise convolution.
 */
final class ChannelOps {

    private final ImportState state;

    ChannelOps(ImportState state) {
        this.state = state;
    }

    void clip(OnnxModel.Node node) {
        float lo, hi;
        if (state.opset < 11) {
            OnnxAttributes at = new OnnxAttributes(node, Set.of("min", "max"));
            lo = at.real("min", Float.NEGATIVE_INFINITY);
            hi = at.real("max", Float.POSITIVE_INFINITY);
        } else {
            new OnnxAttributes(node, Set.of());
            lo = state.input(node, 1).isEmpty() ? Float.NEGATIVE_INFINITY : scalar(node, 1, "min");
            hi = state.input(node, 2).isEmpty() ? Float.POSITIVE_INFINITY : scalar(node, 2, "max");
        }
        // The format's defaults are the float extremes; as bounds they are the same as no bound.
        clamp(node, lo <= -Float.MAX_VALUE ? Float.NEGATIVE_INFINITY : lo,
                hi >= Float.MAX_VALUE ? Float.POSITIVE_INFINITY : hi);
    }

    private float scalar(OnnxModel.Node node, int i, String role) {
        float[] v = state.floats(node, i, role);
        if (v.length != 1) {
            throw new OnnxImportProblem(role + " '" + state.input(node, i) + "' has " + v.length + " values; a scalar is expected");
        }
        return v[0];
    }

    void clamp(OnnxModel.Node node, float lo, float hi) {
        if (Float.isNaN(lo) || Float.isNaN(hi) || lo > hi) {
            throw new OnnxImportProblem("clip range [" + lo + ", " + hi + "] is empty");
        }
        Act a = state.act(node, 0);
        Activation act = new Activation(lo, hi);
        Integer at = state.producer.get(a.value());
        if (a.exclusive() && state.soleReader(state.input(node, 0)) && at != null) {
            Node fused = NodeRewrites.withActivation(state.nodes.get(at), act);
            if (fused != null) {
                state.nodes.set(at, fused);
                state.aliasTo(node.outputs().get(0), state.input(node, 0), a, a.layout(), a.chw());
                return;
            }
        }
        int c = state.shapeOf(a).c();
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        channelAffine(node, a, ones, new float[c], act);
    }

    void batchNorm(OnnxModel.Node node) {
        OnnxAttributes at = new OnnxAttributes(node, Set.of("epsilon", "momentum", "spatial", "training_mode",
                "is_test", "consumed_inputs"));
        if (at.integer("training_mode", 0) != 0) {
            throw new OnnxImportProblem("attribute training_mode = 1 is not supported (inference only)");
        }
        if (at.integer("spatial", 1) != 1) {
            throw new OnnxImportProblem("attribute spatial = 0 is not supported");
        }
        for (int i = 1; i < node.outputs().size(); i++) {
            if (state.readers.containsKey(node.outputs().get(i))) {
                throw new OnnxImportProblem("output " + i + " '" + node.outputs().get(i) + "' (running statistics) is "
                        + "read by another node; only inference graphs are supported");
            }
        }
        Act a = state.act(node, 0);
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
        float[] v = state.floats(node, i, role);
        if (v.length != c) {
            throw new OnnxImportProblem(role + " '" + state.input(node, i) + "' has " + v.length + " values for " + c
                    + " channels");
        }
        return v;
    }

    void add(OnnxModel.Node node) {
        new OnnxAttributes(node, Set.of());
        boolean leftConst = state.constants.containsKey(state.input(node, 0));
        boolean rightConst = state.constants.containsKey(state.input(node, 1));
        if (!leftConst && !rightConst) {
            Act l = state.act(node, 0), r = state.act(node, 1);
            if (l.layout() != r.layout() || !state.shapeOf(l).equals(state.shapeOf(r)) || !Objects.equals(l.chw(), r.chw())) {
                throw new OnnxImportProblem("operands " + state.describe(l) + " and " + state.describe(r) + " differ; only an "
                        + "element-wise Add of equal shapes is supported (or a per-channel constant)");
            }
            int v = state.newValue(node, state.shapeOf(l), l.layout(), l.chw());
            state.emit(new Add(state.nodeName(node), l.value(), r.value(), v, Activation.NONE));
            return;
        }
        int ai = leftConst ? 1 : 0;
        Act a = state.act(node, ai);
        int c = channelsOf(a);
        float[] shift = ImportState.perChannel(state.constants.get(state.input(node, 1 - ai)), c, a.layout() == Layout.NCHW, "addend");
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        affine(node, a, ones, shift);
    }

    void mul(OnnxModel.Node node) {
        new OnnxAttributes(node, Set.of());
        boolean leftConst = state.constants.containsKey(state.input(node, 0));
        if (leftConst == state.constants.containsKey(state.input(node, 1))) {
            throw new OnnxImportProblem("only a Mul by a constant (scalar or per channel) is supported");
        }
        int ai = leftConst ? 1 : 0;
        Act a = state.act(node, ai);
        int c = channelsOf(a);
        affine(node, a, ImportState.perChannel(state.constants.get(state.input(node, 1 - ai)), c, a.layout() == Layout.NCHW, "factor"),
                new float[c]);
    }

    private int channelsOf(Act a) {
        if (a.chw() != null || a.layout() == Layout.NHWC) {
            throw new OnnxImportProblem("a per-channel operation on " + state.describe(a) + (a.chw() != null
                    ? ", a flattened map," : "") + " is not supported (only on [N, C, H, W] and [N, C])");
        }
        return state.shapeOf(a).c();
    }

    /** y * scale + shift per channel: folded into the producer when possible, else a 1x1 depthwise layer. */
    private void affine(OnnxModel.Node node, Act a, float[] scale, float[] shift) {
        Integer at = state.producer.get(a.value());
        if (a.exclusive() && state.soleReader(state.input(node, 0)) && at != null && a.chw() == null) {
            Node folded = NodeRewrites.withAffine(state.nodes.get(at), scale, shift);
            if (folded != null) {
                state.nodes.set(at, folded);
                state.aliasTo(node.outputs().get(0), state.input(node, 0), a, a.layout(), a.chw());
                return;
            }
        }
        channelAffine(node, a, scale, shift, Activation.NONE);
    }

    /** A per-channel affine map and clamp as its own layer: a depthwise convolution with 1x1 kernels. */
    private void channelAffine(OnnxModel.Node node, Act a, float[] scale, float[] shift, Activation act) {
        Shape s = state.shapeOf(a);
        ConvGeometry g = new ConvGeometry(s.h(), s.w(), 1, 1, 1, 1, 0, 0, 0, 0, s.h(), s.w());
        int v = state.newValue(node, s, a.layout(), a.chw());
        state.emit(new DepthwiseConv2d(state.nodeName(node), a.value(), v, g, s.c(), scale.clone(), shift.clone(), act));
    }
}
