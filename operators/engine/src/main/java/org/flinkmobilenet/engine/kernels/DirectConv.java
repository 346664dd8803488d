package org.flinkmobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.flinkmobilenet.engine.graph.ConvGeometry;

/**
 * A full convolution over few input channels (MobileNet's first layer: 3x3, RGB, stride 2) without an
 * im2col copy: the micro-kernel is {@link Gemm}'s, 4 output pixels x up to 4 vectors of output
 * channels in registers, but it reads each pixel's window straight from the input through a table of
 * tap offsets. A row goes 8 pixels at a time first: blocks of 2 and 1 vectors then keep 16 and 8
 * accumulators in flight instead of 8 and 4 ({@link #tile8x2}: v1 1.0's first layer, 32 channels at 512
 * bits, 0.18-0.19 ms instead of 0.21-0.22 ms in 4 alternating runs of
 * {@code ./mobilenet bench --sections peak,layers}; {@link #tile8x1}: v1 0.25's and 0.5's 8 and 16
 * channels). The 1-3 interior pixels a row has left over are done by one more 4-pixel tile that
 * overlaps pixels already computed (same values again); only pixels whose window crosses the padding
 * go through a one-pixel im2col row and {@link Gemm}.
 */
final class DirectConv {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int V = S.length();
    private static final int ROWS = 4;

    /** Direct convolution pays off while a window is small; beyond this depth im2col + GEMM runs. */
    static final int MAX_DEPTH = 64;

    private DirectConv() {}

    /** Offset of each tap (ky, kx, channel), in the weights' order, from the window's top-left input. */
    static int[] tapOffsets(ConvGeometry g, int channels) {
        int[] koff = new int[g.kh() * g.kw() * channels];
        for (int ky = 0, k = 0; ky < g.kh(); ky++) {
            for (int kx = 0; kx < g.kw(); kx++) {
                for (int c = 0; c < channels; c++, k++) {
                    koff[k] = (ky * g.inW() + kx) * channels + c;
                }
            }
        }
        return koff;
    }

    /** Scratch: one im2col row. */
    static int scratchFloats(ConvGeometry g, int channels) {
        return g.kh() * g.kw() * channels;
    }

    static void run(float[] in, int inOff, float[] out, int outOff, int batch, ConvGeometry g, int cin,
                    PackedWeights w, int[] koff, float lo, float hi, float[] scratch) {
        int cout = w.outputs;
        int inSize = g.inH() * g.inW() * cin, outSize = g.outH() * g.outW() * cout;
        int sy = g.strideH(), sx = g.strideW();
        int oyLo = ceilDiv(g.padTop(), sy), oyHi = Math.min(g.outH() - 1, Math.floorDiv(g.inH() - g.kh() + g.padTop(), sy));
        int oxLo = ceilDiv(g.padLeft(), sx), oxHi = Math.min(g.outW() - 1, Math.floorDiv(g.inW() - g.kw() + g.padLeft(), sx));
        for (int n = 0; n < batch; n++) {
            int inBase = inOff + n * inSize, outBase = outOff + n * outSize;
            for (int oy = 0; oy < g.outH(); oy++) {
                int outRow = outBase + oy * g.outW() * cout;
                int ox = 0;
                if (oy >= oyLo && oy <= oyHi) {
                    for (; ox < oxLo; ox++) {
                        onePixel(in, inBase, g, cin, oy, ox, w, out, outRow + ox * cout, lo, hi, scratch);
                    }
                    int rowBase = inBase + ((oy * sy - g.padTop()) * g.inW()) * cin;
                    int interior = oxHi - ox + 1;
                    for (; ox + 2 * ROWS - 1 <= oxHi; ox += 2 * ROWS) {
                        tiles8(in, rowBase + (ox * sx - g.padLeft()) * cin, sx * cin, koff, w, out, outRow + ox * cout,
                                cout, lo, hi);
                    }
                    for (; ox + ROWS - 1 <= oxHi; ox += ROWS) {
                        int base = rowBase + (ox * sx - g.padLeft()) * cin;
                        tiles(in, base, sx * cin, koff, w, out, outRow + ox * cout, cout, lo, hi);
                    }
                    if (ox <= oxHi && interior >= ROWS) {
                        // The last 1-3 interior pixels: one more 4-pixel tile ending at oxHi, overlapping pixels
                        // already done (they get the same values again), instead of the one-pixel im2col path.
                        int at = oxHi - ROWS + 1;
                        tiles(in, rowBase + (at * sx - g.padLeft()) * cin, sx * cin, koff, w, out, outRow + at * cout,
                                cout, lo, hi);
                        ox = oxHi + 1;
                    }
                }
                for (; ox < g.outW(); ox++) {
                    onePixel(in, inBase, g, cin, oy, ox, w, out, outRow + ox * cout, lo, hi, scratch);
                }
            }
        }
    }

    /** 8 output pixels of one row, every block of output channels. */
    private static void tiles8(float[] in, int base, int step, int[] koff, PackedWeights w, float[] out, int o, int ldy,
                               float lo, float hi) {
        for (int b = 0; b < w.start.length; b++) {
            int c0 = w.start[b], width = w.vectors[b] * V;
            int valid = Math.min(V, w.outputs - (c0 + width - V));
            switch (w.vectors[b]) {
                case 4 -> {
                    tile4x4(in, base, step, koff, w.data, w.offset[b], w.bias, c0, out, o + c0, ldy, lo, hi, valid);
                    tile4x4(in, base + ROWS * step, step, koff, w.data, w.offset[b], w.bias, c0, out, o + ROWS * ldy + c0, ldy,
                            lo, hi, valid);
                }
                case 2 -> tile8x2(in, base, step, koff, w.data, w.offset[b], w.bias, c0, out, o + c0, ldy, lo, hi, valid);
                default -> tile8x1(in, base, step, koff, w.data, w.offset[b], w.bias, c0, out, o + c0, ldy, lo, hi, valid);
            }
        }
    }

    private static void tiles(float[] in, int base, int step, int[] koff, PackedWeights w, float[] out, int o, int ldy,
                              float lo, float hi) {
        for (int b = 0; b < w.start.length; b++) {
            int c0 = w.start[b], width = w.vectors[b] * V;
            int valid = Math.min(V, w.outputs - (c0 + width - V));
            switch (w.vectors[b]) {
                case 4 -> tile4x4(in, base, step, koff, w.data, w.offset[b], w.bias, c0, out, o + c0, ldy, lo, hi, valid);
                case 2 -> tile4x2(in, base, step, koff, w.data, w.offset[b], w.bias, c0, out, o + c0, ldy, lo, hi, valid);
                default -> tile4x1(in, base, step, koff, w.data, w.offset[b], w.bias, c0, out, o + c0, ldy, lo, hi, valid);
            }
        }
    }

    /** One output pixel the slow, general way: its window into an im2col row, then a one-row GEMM. */
    private static void onePixel(float[] in, int inBase, ConvGeometry g, int cin, int oy, int ox, PackedWeights w,
                                 float[] out, int o, float lo, float hi, float[] row) {
        int t = 0;
        for (int ky = 0; ky < g.kh(); ky++) {
            int iy = oy * g.strideH() + ky - g.padTop();
            for (int kx = 0; kx < g.kw(); kx++) {
                int ix = ox * g.strideW() + kx - g.padLeft();
                boolean inside = iy >= 0 && iy < g.inH() && ix >= 0 && ix < g.inW();
                int from = inBase + (iy * g.inW() + ix) * cin;
                for (int c = 0; c < cin; c++, t++) {
                    row[t] = inside ? in[from + c] : 0f;
                }
            }
        }
        Gemm.run(row, 0, t, 1, w, out, o, w.outputs, lo, hi);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** 4 output pixel(s) of one row x 4 vector(s) of output channels. */
    private static void tile4x4(float[] x, int base, int step, int[] koff, float[] w, int wStart, float[] bias,
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
        int p0 = base;
        int p1 = base + 1 * step;
        int p2 = base + 2 * step;
        int p3 = base + 3 * step;
        for (int k = 0, wk = wStart; k < koff.length; k++, wk += 4 * V) {
            int kk = koff[k];
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector w2 = FloatVector.fromArray(S, w, wk + 2 * V);
            FloatVector w3 = FloatVector.fromArray(S, w, wk + 3 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[p0 + kk]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
            c02 = w2.fma(a0, c02);
            c03 = w3.fma(a0, c03);
            FloatVector a1 = FloatVector.broadcast(S, x[p1 + kk]);
            c10 = w0.fma(a1, c10);
            c11 = w1.fma(a1, c11);
            c12 = w2.fma(a1, c12);
            c13 = w3.fma(a1, c13);
            FloatVector a2 = FloatVector.broadcast(S, x[p2 + kk]);
            c20 = w0.fma(a2, c20);
            c21 = w1.fma(a2, c21);
            c22 = w2.fma(a2, c22);
            c23 = w3.fma(a2, c23);
            FloatVector a3 = FloatVector.broadcast(S, x[p3 + kk]);
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

    /** 4 output pixel(s) of one row x 2 vector(s) of output channels. */
    private static void tile4x2(float[] x, int base, int step, int[] koff, float[] w, int wStart, float[] bias,
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
        int p0 = base;
        int p1 = base + 1 * step;
        int p2 = base + 2 * step;
        int p3 = base + 3 * step;
        for (int k = 0, wk = wStart; k < koff.length; k++, wk += 2 * V) {
            int kk = koff[k];
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[p0 + kk]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[p1 + kk]);
            c10 = w0.fma(a1, c10);
            c11 = w1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[p2 + kk]);
            c20 = w0.fma(a2, c20);
            c21 = w1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[p3 + kk]);
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

    /**
     * 8 output pixels of one row x 2 vectors of output channels: 16 accumulators, as many as
     * {@link #tile4x4}, for the common first layer of 32 channels at 512 bits, where a 4 x 2 tile keeps
     * only 8 chains of fused multiply-adds in flight and spends 10 loads on 8 of them.
     */
    private static void tile8x2(float[] x, int base, int step, int[] koff, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector b1 = FloatVector.fromArray(S, bias, c0 + 1 * V);
        FloatVector c00 = b0, c01 = b1;
        FloatVector c10 = b0, c11 = b1;
        FloatVector c20 = b0, c21 = b1;
        FloatVector c30 = b0, c31 = b1;
        FloatVector c40 = b0, c41 = b1;
        FloatVector c50 = b0, c51 = b1;
        FloatVector c60 = b0, c61 = b1;
        FloatVector c70 = b0, c71 = b1;
        int p0 = base + 0 * step;
        int p1 = base + 1 * step;
        int p2 = base + 2 * step;
        int p3 = base + 3 * step;
        int p4 = base + 4 * step;
        int p5 = base + 5 * step;
        int p6 = base + 6 * step;
        int p7 = base + 7 * step;
        for (int k = 0, wk = wStart; k < koff.length; k++, wk += 2 * V) {
            int kk = koff[k];
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + 1 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[p0 + kk]);
            c00 = w0.fma(a0, c00);
            c01 = w1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[p1 + kk]);
            c10 = w0.fma(a1, c10);
            c11 = w1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[p2 + kk]);
            c20 = w0.fma(a2, c20);
            c21 = w1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[p3 + kk]);
            c30 = w0.fma(a3, c30);
            c31 = w1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, x[p4 + kk]);
            c40 = w0.fma(a4, c40);
            c41 = w1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, x[p5 + kk]);
            c50 = w0.fma(a5, c50);
            c51 = w1.fma(a5, c51);
            FloatVector a6 = FloatVector.broadcast(S, x[p6 + kk]);
            c60 = w0.fma(a6, c60);
            c61 = w1.fma(a6, c61);
            FloatVector a7 = FloatVector.broadcast(S, x[p7 + kk]);
            c70 = w0.fma(a7, c70);
            c71 = w1.fma(a7, c71);
        }
        c00.max(lo).min(hi).intoArray(y, y0 + 0 * ldy);
        c01 = c01.max(lo).min(hi);
        if (valid == V) {
            c01.intoArray(y, y0 + 0 * ldy + V);
        } else {
            FloatVector.fromArray(S, y, y0 + 0 * ldy + V).blend(c01, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 0 * ldy + V);
        }
        c10.max(lo).min(hi).intoArray(y, y0 + 1 * ldy);
        c11 = c11.max(lo).min(hi);
        if (valid == V) {
            c11.intoArray(y, y0 + 1 * ldy + V);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy + V).blend(c11, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy + V);
        }
        c20.max(lo).min(hi).intoArray(y, y0 + 2 * ldy);
        c21 = c21.max(lo).min(hi);
        if (valid == V) {
            c21.intoArray(y, y0 + 2 * ldy + V);
        } else {
            FloatVector.fromArray(S, y, y0 + 2 * ldy + V).blend(c21, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 2 * ldy + V);
        }
        c30.max(lo).min(hi).intoArray(y, y0 + 3 * ldy);
        c31 = c31.max(lo).min(hi);
        if (valid == V) {
            c31.intoArray(y, y0 + 3 * ldy + V);
        } else {
            FloatVector.fromArray(S, y, y0 + 3 * ldy + V).blend(c31, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 3 * ldy + V);
        }
        c40.max(lo).min(hi).intoArray(y, y0 + 4 * ldy);
        c41 = c41.max(lo).min(hi);
        if (valid == V) {
            c41.intoArray(y, y0 + 4 * ldy + V);
        } else {
            FloatVector.fromArray(S, y, y0 + 4 * ldy + V).blend(c41, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 4 * ldy + V);
        }
        c50.max(lo).min(hi).intoArray(y, y0 + 5 * ldy);
        c51 = c51.max(lo).min(hi);
        if (valid == V) {
            c51.intoArray(y, y0 + 5 * ldy + V);
        } else {
            FloatVector.fromArray(S, y, y0 + 5 * ldy + V).blend(c51, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 5 * ldy + V);
        }
        c60.max(lo).min(hi).intoArray(y, y0 + 6 * ldy);
        c61 = c61.max(lo).min(hi);
        if (valid == V) {
            c61.intoArray(y, y0 + 6 * ldy + V);
        } else {
            FloatVector.fromArray(S, y, y0 + 6 * ldy + V).blend(c61, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 6 * ldy + V);
        }
        c70.max(lo).min(hi).intoArray(y, y0 + 7 * ldy);
        c71 = c71.max(lo).min(hi);
        if (valid == V) {
            c71.intoArray(y, y0 + 7 * ldy + V);
        } else {
            FloatVector.fromArray(S, y, y0 + 7 * ldy + V).blend(c71, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 7 * ldy + V);
        }
    }

    /**
     * 8 output pixels of one row x 1 vector of output channels: 8 chains of fused multiply-adds in
     * flight instead of {@link #tile4x1}'s 4 (first layers of 8 or 16 channels: MobileNet v1 0.25 and 0.5).
     */
    private static void tile8x1(float[] x, int base, int step, int[] koff, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0);
        FloatVector acc0 = b0;
        FloatVector acc1 = b0;
        FloatVector acc2 = b0;
        FloatVector acc3 = b0;
        FloatVector acc4 = b0;
        FloatVector acc5 = b0;
        FloatVector acc6 = b0;
        FloatVector acc7 = b0;
        int p0 = base + 0 * step;
        int p1 = base + 1 * step;
        int p2 = base + 2 * step;
        int p3 = base + 3 * step;
        int p4 = base + 4 * step;
        int p5 = base + 5 * step;
        int p6 = base + 6 * step;
        int p7 = base + 7 * step;
        for (int k = 0, wk = wStart; k < koff.length; k++, wk += V) {
            int kk = koff[k];
            FloatVector w0 = FloatVector.fromArray(S, w, wk);
            acc0 = w0.fma(FloatVector.broadcast(S, x[p0 + kk]), acc0);
            acc1 = w0.fma(FloatVector.broadcast(S, x[p1 + kk]), acc1);
            acc2 = w0.fma(FloatVector.broadcast(S, x[p2 + kk]), acc2);
            acc3 = w0.fma(FloatVector.broadcast(S, x[p3 + kk]), acc3);
            acc4 = w0.fma(FloatVector.broadcast(S, x[p4 + kk]), acc4);
            acc5 = w0.fma(FloatVector.broadcast(S, x[p5 + kk]), acc5);
            acc6 = w0.fma(FloatVector.broadcast(S, x[p6 + kk]), acc6);
            acc7 = w0.fma(FloatVector.broadcast(S, x[p7 + kk]), acc7);
        }
        acc0 = acc0.max(lo).min(hi);
        if (valid == V) {
            acc0.intoArray(y, y0 + 0 * ldy);
        } else {
            FloatVector.fromArray(S, y, y0 + 0 * ldy).blend(acc0, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 0 * ldy);
        }
        acc1 = acc1.max(lo).min(hi);
        if (valid == V) {
            acc1.intoArray(y, y0 + 1 * ldy);
        } else {
            FloatVector.fromArray(S, y, y0 + 1 * ldy).blend(acc1, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 1 * ldy);
        }
        acc2 = acc2.max(lo).min(hi);
        if (valid == V) {
            acc2.intoArray(y, y0 + 2 * ldy);
        } else {
            FloatVector.fromArray(S, y, y0 + 2 * ldy).blend(acc2, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 2 * ldy);
        }
        acc3 = acc3.max(lo).min(hi);
        if (valid == V) {
            acc3.intoArray(y, y0 + 3 * ldy);
        } else {
            FloatVector.fromArray(S, y, y0 + 3 * ldy).blend(acc3, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 3 * ldy);
        }
        acc4 = acc4.max(lo).min(hi);
        if (valid == V) {
            acc4.intoArray(y, y0 + 4 * ldy);
        } else {
            FloatVector.fromArray(S, y, y0 + 4 * ldy).blend(acc4, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 4 * ldy);
        }
        acc5 = acc5.max(lo).min(hi);
        if (valid == V) {
            acc5.intoArray(y, y0 + 5 * ldy);
        } else {
            FloatVector.fromArray(S, y, y0 + 5 * ldy).blend(acc5, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 5 * ldy);
        }
        acc6 = acc6.max(lo).min(hi);
        if (valid == V) {
            acc6.intoArray(y, y0 + 6 * ldy);
        } else {
            FloatVector.fromArray(S, y, y0 + 6 * ldy).blend(acc6, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 6 * ldy);
        }
        acc7 = acc7.max(lo).min(hi);
        if (valid == V) {
            acc7.intoArray(y, y0 + 7 * ldy);
        } else {
            FloatVector.fromArray(S, y, y0 + 7 * ldy).blend(acc7, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid)).intoArray(y, y0 + 7 * ldy);
        }
    }

    /** 4 output pixel(s) of one row x 1 vector(s) of output channels. */
    private static void tile4x1(float[] x, int base, int step, int[] koff, float[] w, int wStart, float[] bias,
                                int c0, float[] y, int y0, int ldy, float lo, float hi, int valid) {
        FloatVector b0 = FloatVector.fromArray(S, bias, c0 + 0 * V);
        FloatVector c00 = b0;
        FloatVector c10 = b0;
        FloatVector c20 = b0;
        FloatVector c30 = b0;
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates. The mask is made where it
        // is used: kept in a variable that may also be null, C2 would have to box it.
        int p0 = base;
        int p1 = base + 1 * step;
        int p2 = base + 2 * step;
        int p3 = base + 3 * step;
        for (int k = 0, wk = wStart; k < koff.length; k++, wk += 1 * V) {
            int kk = koff[k];
            FloatVector w0 = FloatVector.fromArray(S, w, wk + 0 * V);
            FloatVector a0 = FloatVector.broadcast(S, x[p0 + kk]);
            c00 = w0.fma(a0, c00);
            FloatVector a1 = FloatVector.broadcast(S, x[p1 + kk]);
            c10 = w0.fma(a1, c10);
            FloatVector a2 = FloatVector.broadcast(S, x[p2 + kk]);
            c20 = w0.fma(a2, c20);
            FloatVector a3 = FloatVector.broadcast(S, x[p3 + kk]);
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

}
