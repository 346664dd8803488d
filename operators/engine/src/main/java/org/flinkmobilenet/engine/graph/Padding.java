package org.flinkmobilenet.engine.graph;

/**
 * TensorFlow's padding schemes, as TFLite computes them. Layers store explicit pads, so this is only
 * used where a format names a scheme.
 */
public enum Padding {
    /** Output = ceil(in / stride); the odd pixel of padding goes at the bottom/right. */
    SAME,
    /** No padding; output = floor((in - k) / stride) + 1. */
    VALID;

    public int outputSize(int in, int kernel, int stride) {
        if (this == SAME) {
            return (in + stride - 1) / stride;
        }
        return in < kernel ? 0 : (in - kernel) / stride + 1;
    }

    /** Padding before the first pixel (top or left). */
    public int padBefore(int in, int kernel, int stride) {
        return totalPad(in, kernel, stride) / 2;
    }

    /** Padding after the last pixel (bottom or right): the larger half when the total is odd. */
    public int padAfter(int in, int kernel, int stride) {
        int total = totalPad(in, kernel, stride);
        return total - total / 2;
    }

    private int totalPad(int in, int kernel, int stride) {
        if (this == VALID) {
            return 0;
        }
        int out = outputSize(in, kernel, stride);
        return Math.max((out - 1) * stride + kernel - in, 0);
    }
}
