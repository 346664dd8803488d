package org.flinkmobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.flinkmobilenet.engine.graph.ConvGeometry;

/**
 * Depthwise 3x3 convolution, stride 1 or 2, NHWC, bias and clamp fused.
 *
 * <p>Padding without branches: the input rows an output row needs are copied into scratch rows that
 * carry the zero padding on both sides (a ring of three rows, each input row copied once), and rows
 * above or below the image point at a row of zeros. The inner loops then never test a coordinate.
 *
 * <p>For each output row and each vector of channels, the nine taps and the bias sit in registers
 * while the row is swept; stride 1 computes four outputs per step (their windows share loads),
 * stride 2 two. Each output sums rows 0-1 and row 2 in two chains, halving the dependency chain.
 * A last partial channel block uses masked loads and stores.
 */
final class Depthwise3x3 {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int V = S.length();

    private Depthwise3x3() {}

    /** Weights (3, 3, channels) repacked as (channel blocks, 9 taps, V), zero-padded. */
    static float[] pack(float[] weights, int channels) {
        int blocks = (channels + V - 1) / V;
        float[] packed = new float[blocks * 9 * V];
        for (int t = 0; t < 9; t++) {
            for (int c = 0; c < channels; c++) {
                packed[(c / V) * 9 * V + t * V + c % V] = weights[t * channels + c];
            }
        }
        return packed;
    }

    static float[] padBias(float[] bias, int channels) {
        return java.util.Arrays.copyOf(bias, (channels + V - 1) / V * V);
    }

    /** Floats of one padded row (padding columns included), plus slack for a partial last vector. */
    private static int rowLength(ConvGeometry g, int channels) {
        return (g.padLeft() + g.inW() + g.padRight()) * channels + V;
    }

    /** Scratch: a zero row and a ring of three padded rows. */
    static int scratchFloats(ConvGeometry g, int channels) {
        return 4 * rowLength(g, channels);
    }

    static void run(float[] in, int inOff, float[] out, int outOff, int batch, ConvGeometry g, int channels,
                    float[] w, float[] bias, float lo, float hi, float[] scratch) {
        int rowLen = rowLength(g, channels);
        int s = g.strideH();
        int inRow = g.inW() * channels;
        int left = g.padLeft() * channels;
        java.util.Arrays.fill(scratch, 0, 4 * rowLen, 0f); // zero row, and the ring's padding columns
        for (int n = 0; n < batch; n++) {
            int inBase = inOff + n * g.inH() * inRow;
            int outBase = outOff + n * g.outH() * g.outW() * channels;
            int loaded = -1; // the highest input row copied into the ring; the ring holds the last three
            for (int oy = 0; oy < g.outH(); oy++) {
                int top = oy * s - g.padTop();
                for (int iy = Math.max(loaded + 1, top); iy <= Math.min(top + 2, g.inH() - 1); iy++) {
                    System.arraycopy(in, inBase + iy * inRow, scratch, (1 + iy % 3) * rowLen + left, inRow);
                    loaded = iy;
                }
                int ra = ringRow(top, g.inH(), rowLen), rb = ringRow(top + 1, g.inH(), rowLen),
                        rc = ringRow(top + 2, g.inH(), rowLen);
                int o = outBase + oy * g.outW() * channels;
                for (int c0 = 0; c0 < channels; c0 += V) {
                    int wb = (c0 / V) * 9 * V;
                    int r0 = ra + c0, r1 = rb + c0, r2 = rc + c0;
                    if (c0 + V > channels) {
                        int m = channels - c0; // real channels in this last block
                        if (s == 1) {
                            rowStride1Masked(scratch, r0, r1, r2, channels, 0, g.outW(), out, o + c0, w, wb, bias, c0, lo, hi, m);
                        } else {
                            rowStride2Masked(scratch, r0, r1, r2, channels, 0, g.outW(), out, o + c0, w, wb, bias, c0, lo, hi, m);
                        }
                    } else if (s == 1) {
                        int done = rowStride1Group(scratch, r0, r1, r2, channels, 0, g.outW(), out, o + c0, w, wb, bias, c0, lo, hi);
                        rowStride1x1(scratch, r0, r1, r2, channels, done, g.outW(), out, o + c0, w, wb, bias, c0, lo, hi);
                    } else {
                        int done = rowStride2Group(scratch, r0, r1, r2, channels, 0, g.outW(), out, o + c0, w, wb, bias, c0, lo, hi);
                        rowStride2x1(scratch, r0, r1, r2, channels, done, g.outW(), out, o + c0, w, wb, bias, c0, lo, hi);
                    }
                }
            }
        }
    }

    /** Where input row iy sits in scratch: its ring slot, or the zero row when it is padding. */
    private static int ringRow(int iy, int height, int rowLen) {
        return iy < 0 || iy >= height ? 0 : (1 + iy % 3) * rowLen;
    }

    /** Stride 1, 4 outputs per step: neighbouring windows share their loads. */
    private static int rowStride1Group(float[] in, int r0, int r1, int r2, int channels, int from, int to,
                            float[] out, int o, float[] w, int wb, float[] bias, int c0, float lo, float hi) {
        FloatVector w00 = FloatVector.fromArray(S, w, wb + 0 * V);
        FloatVector w01 = FloatVector.fromArray(S, w, wb + 1 * V);
        FloatVector w02 = FloatVector.fromArray(S, w, wb + 2 * V);
        FloatVector w10 = FloatVector.fromArray(S, w, wb + 3 * V);
        FloatVector w11 = FloatVector.fromArray(S, w, wb + 4 * V);
        FloatVector w12 = FloatVector.fromArray(S, w, wb + 5 * V);
        FloatVector w20 = FloatVector.fromArray(S, w, wb + 6 * V);
        FloatVector w21 = FloatVector.fromArray(S, w, wb + 7 * V);
        FloatVector w22 = FloatVector.fromArray(S, w, wb + 8 * V);
        FloatVector b = FloatVector.fromArray(S, bias, c0);
        int ox = from;
        for (; ox + 4 <= to; ox += 4) {
            int c = ox * 1 * channels;
            int at = o + ox * channels;
            FloatVector x00 = FloatVector.fromArray(S, in, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in, r0 + c + 2 * channels);
            FloatVector x03 = FloatVector.fromArray(S, in, r0 + c + 3 * channels);
            FloatVector x04 = FloatVector.fromArray(S, in, r0 + c + 4 * channels);
            FloatVector x05 = FloatVector.fromArray(S, in, r0 + c + 5 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector a1 = x01.fma(w00, b);
            a1 = x02.fma(w01, a1);
            a1 = x03.fma(w02, a1);
            FloatVector a2 = x02.fma(w00, b);
            a2 = x03.fma(w01, a2);
            a2 = x04.fma(w02, a2);
            FloatVector a3 = x03.fma(w00, b);
            a3 = x04.fma(w01, a3);
            a3 = x05.fma(w02, a3);
            FloatVector x20 = FloatVector.fromArray(S, in, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in, r2 + c + 2 * channels);
            FloatVector x23 = FloatVector.fromArray(S, in, r2 + c + 3 * channels);
            FloatVector x24 = FloatVector.fromArray(S, in, r2 + c + 4 * channels);
            FloatVector x25 = FloatVector.fromArray(S, in, r2 + c + 5 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector t1 = x21.mul(w20);
            t1 = x22.fma(w21, t1);
            t1 = x23.fma(w22, t1);
            FloatVector t2 = x22.mul(w20);
            t2 = x23.fma(w21, t2);
            t2 = x24.fma(w22, t2);
            FloatVector t3 = x23.mul(w20);
            t3 = x24.fma(w21, t3);
            t3 = x25.fma(w22, t3);
            FloatVector x10 = FloatVector.fromArray(S, in, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in, r1 + c + 2 * channels);
            FloatVector x13 = FloatVector.fromArray(S, in, r1 + c + 3 * channels);
            FloatVector x14 = FloatVector.fromArray(S, in, r1 + c + 4 * channels);
            FloatVector x15 = FloatVector.fromArray(S, in, r1 + c + 5 * channels);
            a0 = x10.fma(w10, a0);
            a0 = x11.fma(w11, a0);
            a0 = x12.fma(w12, a0);
            a1 = x11.fma(w10, a1);
            a1 = x12.fma(w11, a1);
            a1 = x13.fma(w12, a1);
            a2 = x12.fma(w10, a2);
            a2 = x13.fma(w11, a2);
            a2 = x14.fma(w12, a2);
            a3 = x13.fma(w10, a3);
            a3 = x14.fma(w11, a3);
            a3 = x15.fma(w12, a3);
            a0.add(t0).max(lo).min(hi).intoArray(out, at);
            a1.add(t1).max(lo).min(hi).intoArray(out, at + 1 * channels);
            a2.add(t2).max(lo).min(hi).intoArray(out, at + 2 * channels);
            a3.add(t3).max(lo).min(hi).intoArray(out, at + 3 * channels);
        }
        return ox;
    }

    /** Stride 2, 2 outputs per step: neighbouring windows share a column. */
    private static int rowStride2Group(float[] in, int r0, int r1, int r2, int channels, int from, int to,
                            float[] out, int o, float[] w, int wb, float[] bias, int c0, float lo, float hi) {
        FloatVector w00 = FloatVector.fromArray(S, w, wb + 0 * V);
        FloatVector w01 = FloatVector.fromArray(S, w, wb + 1 * V);
        FloatVector w02 = FloatVector.fromArray(S, w, wb + 2 * V);
        FloatVector w10 = FloatVector.fromArray(S, w, wb + 3 * V);
        FloatVector w11 = FloatVector.fromArray(S, w, wb + 4 * V);
        FloatVector w12 = FloatVector.fromArray(S, w, wb + 5 * V);
        FloatVector w20 = FloatVector.fromArray(S, w, wb + 6 * V);
        FloatVector w21 = FloatVector.fromArray(S, w, wb + 7 * V);
        FloatVector w22 = FloatVector.fromArray(S, w, wb + 8 * V);
        FloatVector b = FloatVector.fromArray(S, bias, c0);
        int ox = from;
        for (; ox + 2 <= to; ox += 2) {
            int c = ox * 2 * channels;
            int at = o + ox * channels;
            FloatVector x00 = FloatVector.fromArray(S, in, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in, r0 + c + 2 * channels);
            FloatVector x03 = FloatVector.fromArray(S, in, r0 + c + 3 * channels);
            FloatVector x04 = FloatVector.fromArray(S, in, r0 + c + 4 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector a1 = x02.fma(w00, b);
            a1 = x03.fma(w01, a1);
            a1 = x04.fma(w02, a1);
            FloatVector x20 = FloatVector.fromArray(S, in, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in, r2 + c + 2 * channels);
            FloatVector x23 = FloatVector.fromArray(S, in, r2 + c + 3 * channels);
            FloatVector x24 = FloatVector.fromArray(S, in, r2 + c + 4 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector t1 = x22.mul(w20);
            t1 = x23.fma(w21, t1);
            t1 = x24.fma(w22, t1);
            FloatVector x10 = FloatVector.fromArray(S, in, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in, r1 + c + 2 * channels);
            FloatVector x13 = FloatVector.fromArray(S, in, r1 + c + 3 * channels);
            FloatVector x14 = FloatVector.fromArray(S, in, r1 + c + 4 * channels);
            a0 = x10.fma(w10, a0);
            a0 = x11.fma(w11, a0);
            a0 = x12.fma(w12, a0);
            a1 = x12.fma(w10, a1);
            a1 = x13.fma(w11, a1);
            a1 = x14.fma(w12, a1);
            a0.add(t0).max(lo).min(hi).intoArray(out, at);
            a1.add(t1).max(lo).min(hi).intoArray(out, at + 1 * channels);
        }
        return ox;
    }

    /** Stride 1, one output per step: the remainder of a row. */
    private static int rowStride1x1(float[] in, int r0, int r1, int r2, int channels, int from, int to,
                            float[] out, int o, float[] w, int wb, float[] bias, int c0, float lo, float hi) {
        FloatVector w00 = FloatVector.fromArray(S, w, wb + 0 * V);
        FloatVector w01 = FloatVector.fromArray(S, w, wb + 1 * V);
        FloatVector w02 = FloatVector.fromArray(S, w, wb + 2 * V);
        FloatVector w10 = FloatVector.fromArray(S, w, wb + 3 * V);
        FloatVector w11 = FloatVector.fromArray(S, w, wb + 4 * V);
        FloatVector w12 = FloatVector.fromArray(S, w, wb + 5 * V);
        FloatVector w20 = FloatVector.fromArray(S, w, wb + 6 * V);
        FloatVector w21 = FloatVector.fromArray(S, w, wb + 7 * V);
        FloatVector w22 = FloatVector.fromArray(S, w, wb + 8 * V);
        FloatVector b = FloatVector.fromArray(S, bias, c0);
        int ox = from;
        for (; ox + 1 <= to; ox += 1) {
            int c = ox * 1 * channels;
            int at = o + ox * channels;
            FloatVector x00 = FloatVector.fromArray(S, in, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in, r0 + c + 2 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector x20 = FloatVector.fromArray(S, in, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in, r2 + c + 2 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector x10 = FloatVector.fromArray(S, in, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in, r1 + c + 2 * channels);
            a0 = x10.fma(w10, a0);
            a0 = x11.fma(w11, a0);
            a0 = x12.fma(w12, a0);
            a0.add(t0).max(lo).min(hi).intoArray(out, at);
        }
        return ox;
    }

    /** Stride 2, one output per step: the remainder of a row. */
    private static int rowStride2x1(float[] in, int r0, int r1, int r2, int channels, int from, int to,
                            float[] out, int o, float[] w, int wb, float[] bias, int c0, float lo, float hi) {
        FloatVector w00 = FloatVector.fromArray(S, w, wb + 0 * V);
        FloatVector w01 = FloatVector.fromArray(S, w, wb + 1 * V);
        FloatVector w02 = FloatVector.fromArray(S, w, wb + 2 * V);
        FloatVector w10 = FloatVector.fromArray(S, w, wb + 3 * V);
        FloatVector w11 = FloatVector.fromArray(S, w, wb + 4 * V);
        FloatVector w12 = FloatVector.fromArray(S, w, wb + 5 * V);
        FloatVector w20 = FloatVector.fromArray(S, w, wb + 6 * V);
        FloatVector w21 = FloatVector.fromArray(S, w, wb + 7 * V);
        FloatVector w22 = FloatVector.fromArray(S, w, wb + 8 * V);
        FloatVector b = FloatVector.fromArray(S, bias, c0);
        int ox = from;
        for (; ox + 1 <= to; ox += 1) {
            int c = ox * 2 * channels;
            int at = o + ox * channels;
            FloatVector x00 = FloatVector.fromArray(S, in, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in, r0 + c + 2 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector x20 = FloatVector.fromArray(S, in, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in, r2 + c + 2 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector x10 = FloatVector.fromArray(S, in, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in, r1 + c + 2 * channels);
            a0 = x10.fma(w10, a0);
            a0 = x11.fma(w11, a0);
            a0 = x12.fma(w12, a0);
            a0.add(t0).max(lo).min(hi).intoArray(out, at);
        }
        return ox;
    }

    /** Stride 1, the last partial channel block (masked loads and stores). */
    private static int rowStride1Masked(float[] in, int r0, int r1, int r2, int channels, int from, int to,
                            float[] out, int o, float[] w, int wb, float[] bias, int c0, float lo, float hi, int valid) {
        FloatVector w00 = FloatVector.fromArray(S, w, wb + 0 * V);
        FloatVector w01 = FloatVector.fromArray(S, w, wb + 1 * V);
        FloatVector w02 = FloatVector.fromArray(S, w, wb + 2 * V);
        FloatVector w10 = FloatVector.fromArray(S, w, wb + 3 * V);
        FloatVector w11 = FloatVector.fromArray(S, w, wb + 4 * V);
        FloatVector w12 = FloatVector.fromArray(S, w, wb + 5 * V);
        FloatVector w20 = FloatVector.fromArray(S, w, wb + 6 * V);
        FloatVector w21 = FloatVector.fromArray(S, w, wb + 7 * V);
        FloatVector w22 = FloatVector.fromArray(S, w, wb + 8 * V);
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates.
        VectorMask<Float> m = S.indexInRange(0, valid);
        FloatVector b = FloatVector.fromArray(S, bias, c0);
        int ox = from;
        for (; ox + 1 <= to; ox += 1) {
            int c = ox * 1 * channels;
            int at = o + ox * channels;
            FloatVector x00 = FloatVector.fromArray(S, in, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in, r0 + c + 2 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector x20 = FloatVector.fromArray(S, in, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in, r2 + c + 2 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector x10 = FloatVector.fromArray(S, in, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in, r1 + c + 2 * channels);
            a0 = x10.fma(w10, a0);
            a0 = x11.fma(w11, a0);
            a0 = x12.fma(w12, a0);
            FloatVector.fromArray(S, out, at).blend(a0.add(t0).max(lo).min(hi), m).intoArray(out, at);
        }
        return ox;
    }

    /** Stride 2, the last partial channel block (masked loads and stores). */
    private static int rowStride2Masked(float[] in, int r0, int r1, int r2, int channels, int from, int to,
                            float[] out, int o, float[] w, int wb, float[] bias, int c0, float lo, float hi, int valid) {
        FloatVector w00 = FloatVector.fromArray(S, w, wb + 0 * V);
        FloatVector w01 = FloatVector.fromArray(S, w, wb + 1 * V);
        FloatVector w02 = FloatVector.fromArray(S, w, wb + 2 * V);
        FloatVector w10 = FloatVector.fromArray(S, w, wb + 3 * V);
        FloatVector w11 = FloatVector.fromArray(S, w, wb + 4 * V);
        FloatVector w12 = FloatVector.fromArray(S, w, wb + 5 * V);
        FloatVector w20 = FloatVector.fromArray(S, w, wb + 6 * V);
        FloatVector w21 = FloatVector.fromArray(S, w, wb + 7 * V);
        FloatVector w22 = FloatVector.fromArray(S, w, wb + 8 * V);
        // Partial vectors are merged into what is there and stored whole (the arena has slack at its end):
        // a masked store in Java 17 checks its lanes in plain Java and allocates.
        VectorMask<Float> m = S.indexInRange(0, valid);
        FloatVector b = FloatVector.fromArray(S, bias, c0);
        int ox = from;
        for (; ox + 1 <= to; ox += 1) {
            int c = ox * 2 * channels;
            int at = o + ox * channels;
            FloatVector x00 = FloatVector.fromArray(S, in, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in, r0 + c + 2 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector x20 = FloatVector.fromArray(S, in, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in, r2 + c + 2 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector x10 = FloatVector.fromArray(S, in, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in, r1 + c + 2 * channels);
            a0 = x10.fma(w10, a0);
            a0 = x11.fma(w11, a0);
            a0 = x12.fma(w12, a0);
            FloatVector.fromArray(S, out, at).blend(a0.add(t0).max(lo).min(hi), m).intoArray(out, at);
        }
        return ox;
    }
}
