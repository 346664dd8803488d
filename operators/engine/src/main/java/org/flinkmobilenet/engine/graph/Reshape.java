package org.flinkmobilenet.engine.graph;

import java.util.List;

/** Changes the shape without moving data (reshape, squeeze, flatten): NHWC order is kept. */
public record Reshape(String name, int input, int output, Shape target) implements Node {

    @Override
    public int[] inputs() {
        return new int[] {input};
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        Node.require(in.get(0).size() == target.size(),
                "cannot reshape " + in.get(0) + " (" + in.get(0).size() + " values) to " + target);
        return target;
    }

    @Override
    public long macs(List<Shape> in) {
        return 0;
    }
}
