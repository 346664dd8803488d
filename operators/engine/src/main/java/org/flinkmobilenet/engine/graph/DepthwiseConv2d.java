package org.flinkmobilenet.engine.graph;

import java.util.List;

/** A depthwise convolution with depth multiplier 1: one kh x kw filter per channel. */
public record DepthwiseConv2d(
        String name, int input, int output, ConvGeometry geometry, int channels,
        float[] weights, // (kh, kw, channels)
        float[] bias,    // (channels)
        Activation activation) implements Node {

    @Override
    public int[] inputs() {
        return new int[] {input};
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        Shape x = in.get(0);
        ConvGeometry g = geometry;
        Node.require(x.h() == g.inH() && x.w() == g.inW() && x.c() == channels,
                "input is " + x + " but the depthwise convolution expects " + g.inH() + "x" + g.inW() + "x" + channels);
        Node.requireLength(weights, (long) g.kh() * g.kw() * channels, "weights");
        Node.requireLength(bias, channels, "bias");
        return new Shape(g.outH(), g.outW(), channels);
    }

    @Override
    public long macs(List<Shape> in) {
        return (long) geometry.outH() * geometry.outW() * channels * geometry.kh() * geometry.kw();
    }

    @Override
    public long weightCount() {
        return weights.length;
    }

    @Override
    public long biasCount() {
        return bias.length;
    }
}
