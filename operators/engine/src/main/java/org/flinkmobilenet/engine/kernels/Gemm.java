package org.flinkmobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix product at the heart of MobileNet: y = clamp(x . w^T + bias) for rows of x (pixels, NHWC)
 * and packed weights w. Pointwise convolutions, the classifier and (through im2col) full convolutions
 * all run here.
 *
 * <p>Register blocking: a micro-kernel keeps a tile of 6 pixels x 4 vectors of output channels in 24
 * vector registers, and per step of the depth loads 4 weight vectors and broadcasts 6 inputs for 24
 * fused multiply-adds. Output channel blocks are the outer loop, so one block's weights (depth x 64
 * floats at 512 bits) stay in L2 while every pixel streams past. Blocks of 2 and 1 vectors, and
 * single-pixel tiles, take the remainders; the last vector of the last block is stored through a mask.
 * Bias and the clamp (ReLU, ReLU6) are fused. Each micro-kernel is one self-contained method: vectors
 * never cross a call boundary, which would make C2 box them.
 */
final class Gemm {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int V = S.length();
    static final int ROWS = 6;

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
            VectorMask<Float> last = c0 + width <= w.outputs ? null : S.indexInRange(c0 + width - V, w.outputs);
            int p = 0;
            switch (w.vectors[b]) {
                case 4 -> {
                    for (; p + ROWS <= rows; p += ROWS) {
                        tile6x4(x, xOff + p * ldx, ldx, depth, w.data, wOff, w.bias, c0, y, yOff + p * ldy + c0, ldy, lo, hi, last);
                    }
                    for (; p < rows; p++) {
                        tile1x4(x, xOff + p * ldx, ldx, depth, w.data, wOff, w.bias, c0, y, yOff + p * ldy + c0, ldy, lo, hi, last);
                    }
                }
                case 2 -> {
                    for (; p + ROWS <= rows; p += ROWS) {
                        tile6x2(x, xOff + p * ldx, ldx, depth, w.data, wOff, w.bias, c0, y, yOff + p * ldy + c0, ldy, lo, hi, last);
                    }
                    for (; p < rows; p++) {
                        tile1x2(x, xOff + p * ldx, ldx, depth, w.data, wOff, w.bias, c0, y, yOff + p * ldy + c0, ldy, lo, hi, last);
                    }
                }
                default -> {
                    for (; p + ROWS <= rows; p += ROWS) {
                        tile6x1(x, xOff + p * ldx, ldx, depth, w.data, wOff, w.bias, c0, y, yOff + p * ldy + c0, ldy, lo, hi, last);
                    }
                    for (; p < rows; p++) {
                        tile1x1(x, xOff + p * ldx, ldx, depth, w.data, wOff, w.bias, c0, y, yOff + p * ldy + c0, ldy, lo, hi, last);
                    }
                }
            }
        }
    }

    /** 6 pixel(s) x 4 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile6x4(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, VectorMask<Float> last) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector b2 = FloatVector.fromArray(S, bias, c0 + 2 * V);
        FloatVector b3 = FloatVector.fromArray(S, bias, c0 + 3 * V);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        FloatVector c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        FloatVector c20 = b0, c21 = b1, c22 = b2, c23 = b3;
        FloatVector c30 = b0, c31 = b1, c32 = b2, c33 = b3;
        FloatVector c40 = b0, c41 = b1, c42 = b2, c43 = b3;
        FloatVector c50 = b0, c51 = b1, c52 = b2, c53 = b3;
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        int r2 = x0 + 2 * ldx;
        int r3 = x0 + 3 * ldx;
        int r4 = x0 + 4 * ldx;
        int r5 = x0 + 5 * ldx;
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
            FloatVector a4 = FloatVector.broadcast(S, x[r4 + k]);
            c40 = w0.fma(a4, c40);
            c41 = w1.fma(a4, c41);
            c42 = w2.fma(a4, c42);
            c43 = w3.fma(a4, c43);
            FloatVector a5 = FloatVector.broadcast(S, x[r5 + k]);
            c50 = w0.fma(a5, c50);
            c51 = w1.fma(a5, c51);
            c52 = w2.fma(a5, c52);
            c53 = w3.fma(a5, c53);
        }
        c00 = c00.max(lo).min(hi);
        c00.intoArray(y, y0 + 0 * V);
        c01 = c01.max(lo).min(hi);
        c01.intoArray(y, y0 + 1 * V);
        c02 = c02.max(lo).min(hi);
        c02.intoArray(y, y0 + 2 * V);
        c03 = c03.max(lo).min(hi);
        if (last == null) {
            c03.intoArray(y, y0 + 3 * V);
        } else {
            c03.intoArray(y, y0 + 3 * V, last);
        }
        c10 = c10.max(lo).min(hi);
        c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        c11 = c11.max(lo).min(hi);
        c11.intoArray(y, y0 + 1 * ldy + 1 * V);
        c12 = c12.max(lo).min(hi);
        c12.intoArray(y, y0 + 1 * ldy + 2 * V);
        c13 = c13.max(lo).min(hi);
        if (last == null) {
            c13.intoArray(y, y0 + 1 * ldy + 3 * V);
        } else {
            c13.intoArray(y, y0 + 1 * ldy + 3 * V, last);
        }
        c20 = c20.max(lo).min(hi);
        c20.intoArray(y, y0 + 2 * ldy + 0 * V);
        c21 = c21.max(lo).min(hi);
        c21.intoArray(y, y0 + 2 * ldy + 1 * V);
        c22 = c22.max(lo).min(hi);
        c22.intoArray(y, y0 + 2 * ldy + 2 * V);
        c23 = c23.max(lo).min(hi);
        if (last == null) {
            c23.intoArray(y, y0 + 2 * ldy + 3 * V);
        } else {
            c23.intoArray(y, y0 + 2 * ldy + 3 * V, last);
        }
        c30 = c30.max(lo).min(hi);
        c30.intoArray(y, y0 + 3 * ldy + 0 * V);
        c31 = c31.max(lo).min(hi);
        c31.intoArray(y, y0 + 3 * ldy + 1 * V);
        c32 = c32.max(lo).min(hi);
        c32.intoArray(y, y0 + 3 * ldy + 2 * V);
        c33 = c33.max(lo).min(hi);
        if (last == null) {
            c33.intoArray(y, y0 + 3 * ldy + 3 * V);
        } else {
            c33.intoArray(y, y0 + 3 * ldy + 3 * V, last);
        }
        c40 = c40.max(lo).min(hi);
        c40.intoArray(y, y0 + 4 * ldy + 0 * V);
        c41 = c41.max(lo).min(hi);
        c41.intoArray(y, y0 + 4 * ldy + 1 * V);
        c42 = c42.max(lo).min(hi);
        c42.intoArray(y, y0 + 4 * ldy + 2 * V);
        c43 = c43.max(lo).min(hi);
        if (last == null) {
            c43.intoArray(y, y0 + 4 * ldy + 3 * V);
        } else {
            c43.intoArray(y, y0 + 4 * ldy + 3 * V, last);
        }
        c50 = c50.max(lo).min(hi);
        c50.intoArray(y, y0 + 5 * ldy + 0 * V);
        c51 = c51.max(lo).min(hi);
        c51.intoArray(y, y0 + 5 * ldy + 1 * V);
        c52 = c52.max(lo).min(hi);
        c52.intoArray(y, y0 + 5 * ldy + 2 * V);
        c53 = c53.max(lo).min(hi);
        if (last == null) {
            c53.intoArray(y, y0 + 5 * ldy + 3 * V);
        } else {
            c53.intoArray(y, y0 + 5 * ldy + 3 * V, last);
        }
    }

    /** 1 pixel(s) x 4 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile1x4(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, VectorMask<Float> last) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector b2 = FloatVector.fromArray(S, bias, c0 + 2 * V);
        FloatVector b3 = FloatVector.fromArray(S, bias, c0 + 3 * V);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3;
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
        if (last == null) {
            c03.intoArray(y, y0 + 3 * V);
        } else {
            c03.intoArray(y, y0 + 3 * V, last);
        }
    }

    /** 6 pixel(s) x 2 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile6x2(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, VectorMask<Float> last) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector c00 = b0, c01 = b1;
        FloatVector c10 = b0, c11 = b1;
        FloatVector c20 = b0, c21 = b1;
        FloatVector c30 = b0, c31 = b1;
        FloatVector c40 = b0, c41 = b1;
        FloatVector c50 = b0, c51 = b1;
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        int r2 = x0 + 2 * ldx;
        int r3 = x0 + 3 * ldx;
        int r4 = x0 + 4 * ldx;
        int r5 = x0 + 5 * ldx;
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
            FloatVector a4 = FloatVector.broadcast(S, x[r4 + k]);
            c40 = w0.fma(a4, c40);
            c41 = w1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, x[r5 + k]);
            c50 = w0.fma(a5, c50);
            c51 = w1.fma(a5, c51);
        }
        c00 = c00.max(lo).min(hi);
        c00.intoArray(y, y0 + 0 * V);
        c01 = c01.max(lo).min(hi);
        if (last == null) {
            c01.intoArray(y, y0 + 1 * V);
        } else {
            c01.intoArray(y, y0 + 1 * V, last);
        }
        c10 = c10.max(lo).min(hi);
        c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        c11 = c11.max(lo).min(hi);
        if (last == null) {
            c11.intoArray(y, y0 + 1 * ldy + 1 * V);
        } else {
            c11.intoArray(y, y0 + 1 * ldy + 1 * V, last);
        }
        c20 = c20.max(lo).min(hi);
        c20.intoArray(y, y0 + 2 * ldy + 0 * V);
        c21 = c21.max(lo).min(hi);
        if (last == null) {
            c21.intoArray(y, y0 + 2 * ldy + 1 * V);
        } else {
            c21.intoArray(y, y0 + 2 * ldy + 1 * V, last);
        }
        c30 = c30.max(lo).min(hi);
        c30.intoArray(y, y0 + 3 * ldy + 0 * V);
        c31 = c31.max(lo).min(hi);
        if (last == null) {
            c31.intoArray(y, y0 + 3 * ldy + 1 * V);
        } else {
            c31.intoArray(y, y0 + 3 * ldy + 1 * V, last);
        }
        c40 = c40.max(lo).min(hi);
        c40.intoArray(y, y0 + 4 * ldy + 0 * V);
        c41 = c41.max(lo).min(hi);
        if (last == null) {
            c41.intoArray(y, y0 + 4 * ldy + 1 * V);
        } else {
            c41.intoArray(y, y0 + 4 * ldy + 1 * V, last);
        }
        c50 = c50.max(lo).min(hi);
        c50.intoArray(y, y0 + 5 * ldy + 0 * V);
        c51 = c51.max(lo).min(hi);
        if (last == null) {
            c51.intoArray(y, y0 + 5 * ldy + 1 * V);
        } else {
            c51.intoArray(y, y0 + 5 * ldy + 1 * V, last);
        }
    }

    /** 1 pixel(s) x 2 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile1x2(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, VectorMask<Float> last) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector c00 = b0, c01 = b1;
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
        if (last == null) {
            c01.intoArray(y, y0 + 1 * V);
        } else {
            c01.intoArray(y, y0 + 1 * V, last);
        }
    }

    /** 6 pixel(s) x 1 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile6x1(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, VectorMask<Float> last) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector c00 = b0;
        FloatVector c10 = b0;
        FloatVector c20 = b0;
        FloatVector c30 = b0;
        FloatVector c40 = b0;
        FloatVector c50 = b0;
        int r0 = x0;
        int r1 = x0 + 1 * ldx;
        int r2 = x0 + 2 * ldx;
        int r3 = x0 + 3 * ldx;
        int r4 = x0 + 4 * ldx;
        int r5 = x0 + 5 * ldx;
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
            FloatVector a4 = FloatVector.broadcast(S, x[r4 + k]);
            c40 = w0.fma(a4, c40);
            FloatVector a5 = FloatVector.broadcast(S, x[r5 + k]);
            c50 = w0.fma(a5, c50);
        }
        c00 = c00.max(lo).min(hi);
        if (last == null) {
            c00.intoArray(y, y0 + 0 * V);
        } else {
            c00.intoArray(y, y0 + 0 * V, last);
        }
        c10 = c10.max(lo).min(hi);
        if (last == null) {
            c10.intoArray(y, y0 + 1 * ldy + 0 * V);
        } else {
            c10.intoArray(y, y0 + 1 * ldy + 0 * V, last);
        }
        c20 = c20.max(lo).min(hi);
        if (last == null) {
            c20.intoArray(y, y0 + 2 * ldy + 0 * V);
        } else {
            c20.intoArray(y, y0 + 2 * ldy + 0 * V, last);
        }
        c30 = c30.max(lo).min(hi);
        if (last == null) {
            c30.intoArray(y, y0 + 3 * ldy + 0 * V);
        } else {
            c30.intoArray(y, y0 + 3 * ldy + 0 * V, last);
        }
        c40 = c40.max(lo).min(hi);
        if (last == null) {
            c40.intoArray(y, y0 + 4 * ldy + 0 * V);
        } else {
            c40.intoArray(y, y0 + 4 * ldy + 0 * V, last);
        }
        c50 = c50.max(lo).min(hi);
        if (last == null) {
            c50.intoArray(y, y0 + 5 * ldy + 0 * V);
        } else {
            c50.intoArray(y, y0 + 5 * ldy + 0 * V, last);
        }
    }

    /** 1 pixel(s) x 1 vector(s) of output channels; the accumulators stay in registers. */
    private static void tile1x1(float[] x, int x0, int ldx, int depth, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, VectorMask<Float> last) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector c00 = b0;
        int r0 = x0;
        for (int k = 0, wk = wStart; k < depth; k++, wk += 1 * V) {
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[r0 + k]);
            c00 = w0.fma(a0, c00);
        }
        c00 = c00.max(lo).min(hi);
        if (last == null) {
            c00.intoArray(y, y0 + 0 * V);
        } else {
            c00.intoArray(y, y0 + 0 * V, last);
        }
    }
}
