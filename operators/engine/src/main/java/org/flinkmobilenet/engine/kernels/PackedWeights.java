package org.flinkmobilenet.engine.kernels;

import jdk.incubator.vector.VectorSpecies;

/**
 * A weight matrix (outputs, depth) repacked once, at load, for {@link Gemm}: output channels are cut
 * into blocks of 4, 2 or 1 vectors, and each block is stored depth-major, so the micro-kernel reads
 * one contiguous run of {@code block width} floats per step of the depth. The last block is padded
 * with zero weights up to a whole vector. Shared by every engine of a model; read-only once compiled
 * ({@link WeightArena} moves the data into the model's one weight array first).
 */
final class PackedWeights implements PackedData {

    final int depth;        // K: input channels (x kernel taps for a full convolution)
    final int outputs;      // N: output channels
    final int[] start;      // (blocks) first output channel of each block
    final int[] vectors;    // (blocks) block width in vectors: 4, 2 or 1
    final int[] offset;     // (blocks) where each block starts in data; moved once by moveTo
    float[] data;           // (blocks) of (depth, width), zero-padded; replaced once by moveTo
    final float[] bias;     // (outputs rounded up to a vector), zero-padded
    private final int size; // floats of data the blocks use

    private PackedWeights(int depth, int outputs, int[] start, int[] vectors, int[] offset, float[] data, float[] bias) {
        this.depth = depth;
        this.outputs = outputs;
        this.start = start;
        this.vectors = vectors;
        this.offset = offset;
        this.data = data;
        this.bias = bias;
        this.size = data.length;
    }

    /**
     * @param weights (outputs, depth), the layout of 1x1 convolution, full convolution
     *                (out, kh, kw, in) and dense weights alike
     */
    static PackedWeights pack(float[] weights, float[] bias, int outputs, int depth, VectorSpecies<Float> species) {
        int v = species.length();
        java.util.List<int[]> blocks = new java.util.ArrayList<>(); // (start, vectors)
        int c = 0;
        while (outputs - c >= 4 * v) {
            blocks.add(new int[] {c, 4});
            c += 4 * v;
        }
        if (outputs - c >= 2 * v) {
            blocks.add(new int[] {c, 2});
            c += 2 * v;
        }
        while (c < outputs) {
            blocks.add(new int[] {c, 1});
            c += v;
        }
        int n = blocks.size();
        int[] start = new int[n], vectors = new int[n], offset = new int[n];
        int total = 0;
        for (int b = 0; b < n; b++) {
            start[b] = blocks.get(b)[0];
            vectors[b] = blocks.get(b)[1];
            offset[b] = total;
            total += depth * vectors[b] * v;
        }
        float[] data = new float[total];
        for (int b = 0; b < n; b++) {
            int width = vectors[b] * v;
            for (int k = 0; k < depth; k++) {
                for (int j = 0; j < width; j++) {
                    int o = start[b] + j;
                    if (o < outputs) {
                        data[offset[b] + k * width + j] = weights[o * depth + k];
                    }
                }
            }
        }
        int padded = (outputs + v - 1) / v * v;
        float[] paddedBias = java.util.Arrays.copyOf(bias, padded);
        return new PackedWeights(depth, outputs, start, vectors, offset, data, paddedBias);
    }

    @Override
    public int floats() {
        return size;
    }

    /** Copies the data to {@code arena} at {@code at} and reads it from there from now on. Compile time only. */
    void moveTo(float[] arena, int at) {
        int from = offset.length == 0 ? 0 : offset[0];
        System.arraycopy(data, from, arena, at, size);
        for (int b = 0; b < offset.length; b++) {
            offset[b] += at - from;
        }
        data = arena;
    }
}
