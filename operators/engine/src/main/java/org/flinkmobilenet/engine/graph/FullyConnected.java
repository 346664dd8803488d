package org.flinkmobilenet.engine.graph;

import java.util.List;

/** A dense layer over the flattened input. The output is a 1x1xC vector. */
public record FullyConnected(
        String name, int input, int output, int inFeatures, int outFeatures,
        float[] weights, // (outFeatures, inFeatures)
        float[] bias,    // (outFeatures)
        Activation activation) implements Node {

    @Override
    public int[] inputs() {
        return new int[] {input};
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        Shape x = in.get(0);
        Node.require(x.size() == inFeatures,
                "input is " + x + " (" + x.size() + " values) but the layer expects " + inFeatures + " features");
        Node.requireLength(weights, (long) outFeatures * inFeatures, "weights");
        Node.requireLength(bias, outFeatures, "bias");
        return new Shape(1, 1, outFeatures);
    }

    @Override
    public long macs(List<Shape> in) {
        return (long) inFeatures * outFeatures;
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
