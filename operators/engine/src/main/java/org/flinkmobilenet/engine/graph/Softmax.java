package org.flinkmobilenet.engine.graph;

import java.util.List;

/** Softmax over the channel axis: exp(beta * x) normalised to sum 1. */
public record Softmax(String name, int input, int output, float beta) implements Node {

    @Override
    public int[] inputs() {
        return new int[] {input};
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        Node.require(beta > 0 && Float.isFinite(beta), "beta must be positive and finite, was " + beta);
        return in.get(0);
    }

    @Override
    public long macs(List<Shape> in) {
        return 0;
    }
}
