package org.flinkmobilenet.engine.graph;

import java.util.List;

/**
 * One operation of a {@link Graph}. Nodes refer to activation values by index into the graph's value
 * table; weights are plain float arrays in the layouts given on each record, already dequantized and
 * with any BatchNorm folded in.
 */
public sealed interface Node
        permits Conv2d, DepthwiseConv2d, FullyConnected, Add, AvgPool, GlobalAvgPool, Reshape, Softmax {

    String name();

    /** Indices of the values this node reads. */
    int[] inputs();

    /** Index of the value this node writes. */
    int output();

    /**
     * The output shape these inputs give, after checking that inputs, attributes and weights agree.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    Shape outputShape(List<Shape> inputShapes);

    /** Multiply-adds per frame, as the MobileNet paper counts them (0 for ops without multiplies). */
    long macs(List<Shape> inputShapes);

    /** Weight count (the paper's "parameters"); biases are reported separately. */
    default long weightCount() {
        return 0;
    }

    default long biasCount() {
        return 0;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    static void requireLength(float[] array, long expected, String what) {
        require(array != null, what + " is missing");
        require(array.length == expected, what + " has " + array.length + " values, expected " + expected);
    }
}
