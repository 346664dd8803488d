package org.flinkmobilenet.engine.graph;

import java.util.List;

/** Element-wise sum of two values of the same shape (MobileNet v2's residual connection). */
public record Add(String name, int left, int right, int output, Activation activation) implements Node {

    @Override
    public int[] inputs() {
        return new int[] {left, right};
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        Node.require(in.get(0).equals(in.get(1)),
                "operands have different shapes: " + in.get(0) + " and " + in.get(1));
        return in.get(0);
    }

    @Override
    public long macs(List<Shape> in) {
        return 0;
    }
}
