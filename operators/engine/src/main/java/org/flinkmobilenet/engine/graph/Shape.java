package org.flinkmobilenet.engine.graph;

/**
 * The shape of one item of an activation tensor, NHWC without the batch dimension. Vectors (the
 * classifier's output) are 1x1xC, so every activation is stored the same way.
 */
public record Shape(int h, int w, int c) {
    public Shape {
        if (h <= 0 || w <= 0 || c <= 0) {
            throw new IllegalArgumentException("shape dimensions must be positive: " + h + "x" + w + "x" + c);
        }
    }

    public int size() {
        return h * w * c;
    }

    @Override
    public String toString() {
        return h + "x" + w + "x" + c;
    }
}
