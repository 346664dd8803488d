package org.flinkmobilenet.engine.graph;

import java.util.List;

/** Mean over height and width (TFLite MEAN over axes 1 and 2, ONNX GlobalAveragePool). */
public record GlobalAvgPool(String name, int input, int output) implements Node {

    @Override
    public int[] inputs() {
        return new int[] {input};
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        return new Shape(1, 1, in.get(0).c());
    }

    @Override
    public long macs(List<Shape> in) {
        return 0;
    }
}
