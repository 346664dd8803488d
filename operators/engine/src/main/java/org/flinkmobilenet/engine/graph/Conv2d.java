package org.flinkmobilenet.engine.graph;

import java.util.List;

/** A full convolution; with a 1x1 kernel, stride 1 and no padding it is MobileNet's pointwise layer. */
public record Conv2d(
        String name, int input, int output, ConvGeometry geometry, int inChannels, int outChannels,
        float[] weights, // (outChannels, kh, kw, inChannels)
        float[] bias,    // (outChannels)
        Activation activation) implements Node {

    @Override
    public int[] inputs() {
        return new int[] {input};
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        Shape x = in.get(0);
        ConvGeometry g = geometry;
        Node.require(x.h() == g.inH() && x.w() == g.inW() && x.c() == inChannels,
                "input is " + x + " but the convolution expects " + g.inH() + "x" + g.inW() + "x" + inChannels);
        Node.requireLength(weights, (long) outChannels * g.kh() * g.kw() * inChannels, "weights");
        Node.requireLength(bias, outChannels, "bias");
        return new Shape(g.outH(), g.outW(), outChannels);
    }

    @Override
    public long macs(List<Shape> in) {
        return (long) geometry.outH() * geometry.outW() * outChannels * geometry.kh() * geometry.kw() * inChannels;
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
