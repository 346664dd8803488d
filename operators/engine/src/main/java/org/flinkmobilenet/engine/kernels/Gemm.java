package org.flinkmobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix product at the heart of MobileNet: y = clamp(x . w^T + bias) for rows of x (pixels, NHWC)
 * and packed weights w. Pointwise convolutions, the classifier and (through im2col) full convolutions
 * all run here.
 *
 * <p>Register blocking: a micro-kernel keeps a tile of 4 pixels x 4 vectors of output channels in 16
 * vector registers, and per step of the depth loads 4 weight vectors and broadcasts 4 inputs for 16
 * fused multiply-adds. (6 x 4 tiles ran no faster here, and C1 sometimes cannot compile a loop with 24
 * live vectors; a method C1 gives up on can stay in slow tier-2 code for good.) Output channel blocks are the outer loop, so one block's weights (depth x 64
 * floats at 512 bits) stay in L2 while every pixel streams past. Blocks of 2 and 1 vectors, and
 * tiles of 1 to 3 pixels, take the remainders; the last vector of the last block is merged into the
 * output through a mask.
 * Bias and the clamp (ReLU, ReLU6) are fused. Each micro-kernel is one self-contained method: vectors
 * never cross a call boundary, which would make C2 box them.
 */
final class Gemm {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int V = S.length();
    static final int ROWS = 4;

    private Gemm() {}

    /**
     * @param x    input rows: row p starts at {@code xOff + p * ldx} and holds {@code w.depth} values
     * @param rows number of rows (pixels of the whole batch)
     * @param y    output: row p, channel c at {@code yOff + p * ldy + c}
     */
    static void run(float[] x, int xOff, int ldx, int rows, PackedWeights w, float[] y, int yOff, int ldy,
                    float lo, float hi) {
        int depth = w.depth;
        for (int b = 0; b < w.start.length; b++) {
            int c0 = w.start[b];
            int wOff = w.offset[b];
            int width = w.vectors[b] * V;
            int valid = Math.min(V, w.outputs - (c0 + width - V)); // real outputs in the block's last vector
            float[] d = w.data, bias = w.bias;
            int p = 0;
            switch (w.vectors[b]) {
                case 4 -> {
                    for (; p + ROWS <= rows; p += ROWS) {
                        tile4x4(x, xOff + p * ldx, ldx, depth, d, wOff, bias, c0, y, yOff + p * ldy + c0, ldy, lo, hi, valid);
                    }
                    int at = xOff + p * ldx, o = yOff + p * ldy + c0;
                    switch (rows - p) {
                        case 3 -> tile3x4(x, at, ldx, depth, d, wOff, bias, c0, y, o, ldy, lo, hi, valid);
                        case 2 -> tile2x4(x, at, ldx, depth, d, wOff, bias, c0, y, o, ldy, lo, hi, valid);
                        case 1 -> tile1x4(x, at, ldx, depth, d, wOff, bias, c0, y, o, ldy, lo, hi, valid);
                        default -> { }
                    }
                }
                case 2 -> {
                    for (; p + ROWS <= rows; p += ROWS) {
                        tile4x2(x, xOff + p * ldx, ldx, depth, d, wOff, bias, c0, y, yOff + p * ldy + c0, ldy, lo, hi, valid);
                    }
                    int at = xOff + p * ldx, o = yOff + p * ldy + c0;
                    switch (rows - p) {
                        case 3 -> tile3x2(x, at, ldx, depth, d, wOff, bias, c0, y, o, ldy, lo, hi, valid);
                        case 2 -> tile2x2(x, at, ldx, depth, d, wOff, bias, c0, y, o, ldy, lo, hi, valid);
                        case 1 -> tile1x2(x, at, ldx, depth, d, wOff, bias, c0, y, o, ldy, lo, hi, valid);
                        default -> { }
                    }
                }
                default -> {
                    for (; p + ROWS <= rows; p += ROWS) {
                        tile4x1(x, xOff + p * ldx, ldx, depth, d, wOff, bias, c0, y, yOff + p * ldy + c0, ldy, lo, hi, valid);
                    }
                    int at = xOff + p * ldx, o = yOff + p * ldy + c0;
                    switch (rows - p) {
                        case 3 -> tile3x1(x, at, ldx, depth, d, wOff, bias, c0, y, o, ldy, lo, hi, valid);
                        case 2 -> tile2x1(x, at, ldx, depth, d, wOff, bias, c0, y, o, ldy, lo, hi, valid);
                        case 1 -> tile1x1(x, at, ldx, depth, d, wOff, bias, c0, y, o, ldy, lo, hi, valid);
                        default -> { }
                    }
                }
            }
        }
    }

    /** 4 pixel(s) x 4 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile4x4(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector b2 = FloatVector.fromArray(S, bias, c0 + 2 * V);
        FloatVector b3 = FloatVector.fromArray(S, bias, c0 + 3 * V);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        FloatVector c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        FloatVector c20 = b0, c21 = b1, c22 = b2, c23 = b3;
        FloatVector c30 = b0, c31 = b1, c32 = b2, c33 = b3;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        int r2 = x0 + 2 * ldx;
        int r3 = x0 + 3 * ldx;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 4 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector w2 = FloatVector.fromArray(S, w, wk + 2 * V);
            FloatVector w3 = FloatVector.fromArray(S, w, wk + 3 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
            c02 = w2.fma(a0, c02);
            c03 = w3.fma(a0, c03);
            FloatVector a1 = FloatVector.broadcast(S, x[r1 + k]);
            c10 = w0.fma(a1, c10);
            c11 = w1.fma(a1, c11);
            c12 = w2.fma(a1, c12);
            c13 = w3.fma(a1, c13);
            FloatVector a2 = FloatVector.broadcast(S, x[r2 + k]);
            c20 = w0.fma(a2, c20);
            c21 = w1.fma(a2, c21);
            c22 = w2.fma(a2, c22);
            c23 = w3.fma(a2, c23);
            FloatVector a3 = FloatVector.broadcast(S, x[r3 + k]);
            c30 = w0.fma(a3, c30);
            c31 = w1.fma(a3, c31);
            c32 = w2.fma(a3, c32);
            c33 = w3.fma(a3, c33);
        }
        c00 = c00.max(lo).min(hi);
        c00.intoArray(y, y0 + 0 * V);
        c01 = c01.max(lo).min(hi);
        c01.intoArray(y, y0 + 1 * V);
        c02 = c02.max(lo).min(hi);
        c02.intoArray(y, y0 + 2 * V);
        c03 = c03.max(lo).min(hi);
        if (valid == V) {
            c03.intoArray(y, y0 + 3 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 3 * V).blend(c03, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 3 * V);
        }
        c10 = c10.max(lo).min(hi);
        c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        c11 = c11.max(lo).min(hi);
        c11.intoArray(y, y0 + 1 * ldy + 1 * V);
        c12 = c12.max(lo).min(hi);
        c12.intoArray(y, y0 + 1 * ldy + 2 * V);
        c13 = c13.max(lo).min(hi);
        if (valid == V) {
            c13.intoArray(y, y0 + 1 * ldy + 3 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy + 3 * V).blend(c13, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy + 3 * V);
        }
        c20 = c20.max(lo).min(hi);
        c20.intoArray(y, y0 + 2 * ldy + 0 * V);
        c21 = c21.max(lo).min(hi);
        c21.intoArray(y, y0 + 2 * ldy + 1 * V);
        c22 = c22.max(lo).min(hi);
        c22.intoArray(y, y0 + 2 * ldy + 2 * V);
        c23 = c23.max(lo).min(hi);
        if (valid == V) {
            c23.intoArray(y, y0 + 2 * ldy + 3 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 2 * ldy + 3 * V).blend(c23, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 2 * ldy + 3 * V);
        }
        c30 = c30.max(lo).min(hi);
        c30.intoArray(y, y0 + 3 * ldy + 0 * V);
        c31 = c31.max(lo).min(hi);
        c31.intoArray(y, y0 + 3 * ldy + 1 * V);
        c32 = c32.max(lo).min(hi);
        c32.intoArray(y, y0 + 3 * ldy + 2 * V);
        c33 = c33.max(lo).min(hi);
        if (valid == V) {
            c33.intoArray(y, y0 + 3 * ldy + 3 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 3 * ldy + 3 * V).blend(c33, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 3 * ldy + 3 * V);
        }
    }

    /** 3 pixel(s) x 4 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile3x4(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector b2 = FloatVector.fromArray(S, bias, c0 + 2 * V);
        FloatVector b3 = FloatVector.fromArray(S, bias, c0 + 3 * V);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        FloatVector c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        FloatVector c20 = b0, c21 = b1, c22 = b2, c23 = b3;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        int r2 = x0 + 2 * ldx;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 4 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector w2 = FloatVector.fromArray(S, w, wk + 2 * V);
            FloatVector w3 = FloatVector.fromArray(S, w, wk + 3 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
            c02 = w2.fma(a0, c02);
            c03 = w3.fma(a0, c03);
            FloatVector a1 = FloatVector.broadcast(S, x[r1 + k]);
            c10 = w0.fma(a1, c10);
            c11 = w1.fma(a1, c11);
            c12 = w2.fma(a1, c12);
            c13 = w3.fma(a1, c13);
            FloatVector a2 = FloatVector.broadcast(S, x[r2 + k]);
            c20 = w0.fma(a2, c20);
            c21 = w1.fma(a2, c21);
            c22 = w2.fma(a2, c22);
            c23 = w3.fma(a2, c23);
        }
        c00 = c00.max(lo).min(hi);
        c00.intoArray(y, y0 + 0 * V);
        c01 = c01.max(lo).min(hi);
        c01.intoArray(y, y0 + 1 * V);
        c02 = c02.max(lo).min(hi);
        c02.intoArray(y, y0 + 2 * V);
        c03 = c03.max(lo).min(hi);
        if (valid == V) {
            c03.intoArray(y, y0 + 3 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 3 * V).blend(c03, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 3 * V);
        }
        c10 = c10.max(lo).min(hi);
        c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        c11 = c11.max(lo).min(hi);
        c11.intoArray(y, y0 + 1 * ldy + 1 * V);
        c12 = c12.max(lo).min(hi);
        c12.intoArray(y, y0 + 1 * ldy + 2 * V);
        c13 = c13.max(lo).min(hi);
        if (valid == V) {
            c13.intoArray(y, y0 + 1 * ldy + 3 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy + 3 * V).blend(c13, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy + 3 * V);
        }
        c20 = c20.max(lo).min(hi);
        c20.intoArray(y, y0 + 2 * ldy + 0 * V);
        c21 = c21.max(lo).min(hi);
        c21.intoArray(y, y0 + 2 * ldy + 1 * V);
        c22 = c22.max(lo).min(hi);
        c22.intoArray(y, y0 + 2 * ldy + 2 * V);
        c23 = c23.max(lo).min(hi);
        if (valid == V) {
            c23.intoArray(y, y0 + 2 * ldy + 3 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 2 * ldy + 3 * V).blend(c23, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 2 * ldy + 3 * V);
        }
    }

    /** 2 pixel(s) x 4 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile2x4(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector b2 = FloatVector.fromArray(S, bias, c0 + 2 * V);
        FloatVector b3 = FloatVector.fromArray(S, bias, c0 + 3 * V);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        FloatVector c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 4 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector w2 = FloatVector.fromArray(S, w, wk + 2 * V);
            FloatVector w3 = FloatVector.fromArray(S, w, wk + 3 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
            c02 = w2.fma(a0, c02);
            c03 = w3.fma(a0, c03);
            FloatVector a1 = FloatVector.broadcast(S, x[r1 + k]);
            c10 = w0.fma(a1, c10);
            c11 = w1.fma(a1, c11);
            c12 = w2.fma(a1, c12);
            c13 = w3.fma(a1, c13);
        }
        c00 = c00.max(lo).min(hi);
        c00.intoArray(y, y0 + 0 * V);
        c01 = c01.max(lo).min(hi);
        c01.intoArray(y, y0 + 1 * V);
        c02 = c02.max(lo).min(hi);
        c02.intoArray(y, y0 + 2 * V);
        c03 = c03.max(lo).min(hi);
        if (valid == V) {
            c03.intoArray(y, y0 + 3 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 3 * V).blend(c03, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 3 * V);
        }
        c10 = c10.max(lo).min(hi);
        c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        c11 = c11.max(lo).min(hi);
        c11.intoArray(y, y0 + 1 * ldy + 1 * V);
        c12 = c12.max(lo).min(hi);
        c12.intoArray(y, y0 + 1 * ldy + 2 * V);
        c13 = c13.max(lo).min(hi);
        if (valid == V) {
            c13.intoArray(y, y0 + 1 * ldy + 3 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy + 3 * V).blend(c13, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy + 3 * V);
        }
    }

    /** 1 pixel(s) x 4 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile1x4(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector b2 = FloatVector.fromArray(S, bias, c0 + 2 * V);
        FloatVector b3 = FloatVector.fromArray(S, bias, c0 + 3 * V);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 4 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector w2 = FloatVector.fromArray(S, w, wk + 2 * V);
            FloatVector w3 = FloatVector.fromArray(S, w, wk + 3 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
            c02 = w2.fma(a0, c02);
            c03 = w3.fma(a0, c03);
        }
        c00 = c00.max(lo).min(hi);
        c00.intoArray(y, y0 + 0 * V);
        c01 = c01.max(lo).min(hi);
        c01.intoArray(y, y0 + 1 * V);
        c02 = c02.max(lo).min(hi);
        c02.intoArray(y, y0 + 2 * V);
        c03 = c03.max(lo).min(hi);
        if (valid == V) {
            c03.intoArray(y, y0 + 3 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 3 * V).blend(c03, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 3 * V);
        }
    }

    /** 4 pixel(s) x 2 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile4x2(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector c00 = b0, c01 = b1;
        FloatVector c10 = b0, c11 = b1;
        FloatVector c20 = b0, c21 = b1;
        FloatVector c30 = b0, c31 = b1;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        int r2 = x0 + 2 * ldx;
        int r3 = x0 + 3 * ldx;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 2 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[r1 + k]);
            c10 = w0.fma(a1, c10);
            c11 = w1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[r2 + k]);
            c20 = w0.fma(a2, c20);
            c21 = w1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[r3 + k]);
            c30 = w0.fma(a3, c30);
            c31 = w1.fma(a3, c31);
        }
        c00 = c00.max(lo).min(hi);
        c00.intoArray(y, y0 + 0 * V);
        c01 = c01.max(lo).min(hi);
        if (valid == V) {
            c01.intoArray(y, y0 + 1 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * V).blend(c01, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * V);
        }
        c10 = c10.max(lo).min(hi);
        c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        c11 = c11.max(lo).min(hi);
        if (valid == V) {
            c11.intoArray(y, y0 + 1 * ldy + 1 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy + 1 * V).blend(c11, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy + 1 * V);
        }
        c20 = c20.max(lo).min(hi);
        c20.intoArray(y, y0 + 2 * ldy + 0 * V);
        c21 = c21.max(lo).min(hi);
        if (valid == V) {
            c21.intoArray(y, y0 + 2 * ldy + 1 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 2 * ldy + 1 * V).blend(c21, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 2 * ldy + 1 * V);
        }
        c30 = c30.max(lo).min(hi);
        c30.intoArray(y, y0 + 3 * ldy + 0 * V);
        c31 = c31.max(lo).min(hi);
        if (valid == V) {
            c31.intoArray(y, y0 + 3 * ldy + 1 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 3 * ldy + 1 * V).blend(c31, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 3 * ldy + 1 * V);
        }
    }

    /** 3 pixel(s) x 2 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile3x2(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector c00 = b0, c01 = b1;
        FloatVector c10 = b0, c11 = b1;
        FloatVector c20 = b0, c21 = b1;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        int r2 = x0 + 2 * ldx;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 2 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[r1 + k]);
            c10 = w0.fma(a1, c10);
            c11 = w1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[r2 + k]);
            c20 = w0.fma(a2, c20);
            c21 = w1.fma(a2, c21);
        }
        c00 = c00.max(lo).min(hi);
        c00.intoArray(y, y0 + 0 * V);
        c01 = c01.max(lo).min(hi);
        if (valid == V) {
            c01.intoArray(y, y0 + 1 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * V).blend(c01, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * V);
        }
        c10 = c10.max(lo).min(hi);
        c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        c11 = c11.max(lo).min(hi);
        if (valid == V) {
            c11.intoArray(y, y0 + 1 * ldy + 1 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy + 1 * V).blend(c11, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy + 1 * V);
        }
        c20 = c20.max(lo).min(hi);
        c20.intoArray(y, y0 + 2 * ldy + 0 * V);
        c21 = c21.max(lo).min(hi);
        if (valid == V) {
            c21.intoArray(y, y0 + 2 * ldy + 1 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 2 * ldy + 1 * V).blend(c21, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 2 * ldy + 1 * V);
        }
    }

    /** 2 pixel(s) x 2 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile2x2(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector c00 = b0, c01 = b1;
        FloatVector c10 = b0, c11 = b1;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 2 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[r1 + k]);
            c10 = w0.fma(a1, c10);
            c11 = w1.fma(a1, c11);
        }
        c00 = c00.max(lo).min(hi);
        c00.intoArray(y, y0 + 0 * V);
        c01 = c01.max(lo).min(hi);
        if (valid == V) {
            c01.intoArray(y, y0 + 1 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * V).blend(c01, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * V);
        }
        c10 = c10.max(lo).min(hi);
        c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        c11 = c11.max(lo).min(hi);
        if (valid == V) {
            c11.intoArray(y, y0 + 1 * ldy + 1 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy + 1 * V).blend(c11, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy + 1 * V);
        }
    }

    /** 1 pixel(s) x 2 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile1x2(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector c00 = b0, c01 = b1;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 2 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
        }
        c00 = c00.max(lo).min(hi);
        c00.intoArray(y, y0 + 0 * V);
        c01 = c01.max(lo).min(hi);
        if (valid == V) {
            c01.intoArray(y, y0 + 1 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * V).blend(c01, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * V);
        }
    }

    /** 4 pixel(s) x 1 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile4x1(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector c00 = b0;
        FloatVector c10 = b0;
        FloatVector c20 = b0;
        FloatVector c30 = b0;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        int r2 = x0 + 2 * ldx;
        int r3 = x0 + 3 * ldx;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 1 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            FloatVector a1 = FloatVector.broadcast(S, x[r1 + k]);
            c10 = w0.fma(a1, c10);
            FloatVector a2 = FloatVector.broadcast(S, x[r2 + k]);
            c20 = w0.fma(a2, c20);
            FloatVector a3 = FloatVector.broadcast(S, x[r3 + k]);
            c30 = w0.fma(a3, c30);
        }
        c00 = c00.max(lo).min(hi);
        if (valid == V) {
            c00.intoArray(y, y0 + 0 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 0 * V).blend(c00, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 0 * V);
        }
        c10 = c10.max(lo).min(hi);
        if (valid == V) {
            c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy + 0 * V).blend(c10, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy + 0 * V);
        }
        c20 = c20.max(lo).min(hi);
        if (valid == V) {
            c20.intoArray(y, y0 + 2 * ldy + 0 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 2 * ldy + 0 * V).blend(c20, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 2 * ldy + 0 * V);
        }
        c30 = c30.max(lo).min(hi);
        if (valid == V) {
            c30.intoArray(y, y0 + 3 * ldy + 0 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 3 * ldy + 0 * V).blend(c30, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 3 * ldy + 0 * V);
        }
    }

    /** 3 pixel(s) x 1 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile3x1(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector c00 = b0;
        FloatVector c10 = b0;
        FloatVector c20 = b0;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        int r2 = x0 + 2 * ldx;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 1 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            FloatVector a1 = FloatVector.broadcast(S, x[r1 + k]);
            c10 = w0.fma(a1, c10);
            FloatVector a2 = FloatVector.broadcast(S, x[r2 + k]);
            c20 = w0.fma(a2, c20);
        }
        c00 = c00.max(lo).min(hi);
        if (valid == V) {
            c00.intoArray(y, y0 + 0 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 0 * V).blend(c00, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 0 * V);
        }
        c10 = c10.max(lo).min(hi);
        if (valid == V) {
            c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy + 0 * V).blend(c10, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy + 0 * V);
        }
        c20 = c20.max(lo).min(hi);
        if (valid == V) {
            c20.intoArray(y, y0 + 2 * ldy + 0 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 2 * ldy + 0 * V).blend(c20, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 2 * ldy + 0 * V);
        }
    }

    /** 2 pixel(s) x 1 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile2x1(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector c00 = b0;
        FloatVector c10 = b0;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 1 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
            FloatVector a1 = FloatVector.broadcast(S, x[r1 + k]);
            c10 = w0.fma(a1, c10);
        }
        c00 = c00.max(lo).min(hi);
        if (valid == V) {
            c00.intoArray(y, y0 + 0 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 0 * V).blend(c00, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 0 * V);
        }
        c10 = c10.max(lo).min(hi);
        if (valid == V) {
            c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy + 0 * V).blend(c10, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy + 0 * V);
        }
    }

    /** 1 pixel(s) x 1 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile1x1(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector c00 = b0;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int r0 = x0;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 1 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
        }
        c00 = c00.max(lo).min(hi);
        if (valid == V) {
            c00.intoArray(y, y0 + 0 * V);
        } else {
            FloatVector.fromArray(S, y, y0 + 0 * V).blend(c00, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 0 * V);
        }
    }

}
