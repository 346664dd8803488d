package org.flinkmobilenet.engine.onnx;

import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.Node;

/**
 * Folds a following per-channel operation into the engine node that produced its input: an activation
 * (Relu, Clip) into the node's clamp, and a per-channel affine map (BatchNormalization, a constant Add
 * or Mul) into the node's weights and bias. Each method returns null when the node cannot absorb it.
 */
final class NodeRewrites {

    private NodeRewrites() {}

    /** {@code node} with {@code act} applied after its own activation, or null. */
    static Node withActivation(Node node, Activation act) {
        Activation current = activationOf(node);
        if (current == null || Math.max(current.lo(), act.lo()) > Math.min(current.hi(), act.hi())) {
            return null; // disjoint ranges make a constant, which no clamp expresses
        }
        Activation a = current.limitTo(act.lo(), act.hi());
        if (node instanceof Conv2d c) {
            return new Conv2d(c.name(), c.input(), c.output(), c.geometry(), c.inChannels(), c.outChannels(),
                    c.weights(), c.bias(), a);
        } else if (node instanceof DepthwiseConv2d d) {
            return new DepthwiseConv2d(d.name(), d.input(), d.output(), d.geometry(), d.channels(), d.weights(),
                    d.bias(), a);
        } else if (node instanceof FullyConnected f) {
            return new FullyConnected(f.name(), f.input(), f.output(), f.inFeatures(), f.outFeatures(), f.weights(),
                    f.bias(), a);
        } else if (node instanceof Add s) {
            return new Add(s.name(), s.left(), s.right(), s.output(), a);
        } else if (node instanceof AvgPool p) {
            return new AvgPool(p.name(), p.input(), p.output(), p.geometry(), a);
        }
        return null;
    }

    private static Activation activationOf(Node node) {
        if (node instanceof Conv2d c) {
            return c.activation();
        } else if (node instanceof DepthwiseConv2d d) {
            return d.activation();
        } else if (node instanceof FullyConnected f) {
            return f.activation();
        } else if (node instanceof Add s) {
            return s.activation();
        } else if (node instanceof AvgPool p) {
            return p.activation();
        }
        return null;
    }

    /**
     * {@code node} followed by {@code y * scale[c] + shift[c]} on each output channel c, folded into its
     * weights and bias; null when the node is not a linear layer or already clamps its output.
     */
    static Node withAffine(Node node, float[] scale, float[] shift) {
        if (node instanceof Conv2d c && c.activation().isNone()) {
            int per = c.weights().length / c.outChannels(); // kh * kw * cin weights per output channel
            float[] w = c.weights().clone();
            for (int i = 0; i < w.length; i++) {
                w[i] *= scale[i / per];
            }
            return new Conv2d(c.name(), c.input(), c.output(), c.geometry(), c.inChannels(), c.outChannels(), w,
                    affineBias(c.bias(), scale, shift), c.activation());
        } else if (node instanceof DepthwiseConv2d d && d.activation().isNone()) {
            float[] w = d.weights().clone();
            for (int i = 0; i < w.length; i++) {
                w[i] *= scale[i % d.channels()];
            }
            return new DepthwiseConv2d(d.name(), d.input(), d.output(), d.geometry(), d.channels(), w,
                    affineBias(d.bias(), scale, shift), d.activation());
        } else if (node instanceof FullyConnected f && f.activation().isNone()) {
            float[] w = f.weights().clone();
            for (int i = 0; i < w.length; i++) {
                w[i] *= scale[i / f.inFeatures()];
            }
            return new FullyConnected(f.name(), f.input(), f.output(), f.inFeatures(), f.outFeatures(), w,
                    affineBias(f.bias(), scale, shift), f.activation());
        }
        return null;
    }

    private static float[] affineBias(float[] bias, float[] scale, float[] shift) {
        float[] b = new float[bias.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = bias[i] * scale[i] + shift[i];
        }
        return b;
    }
}
