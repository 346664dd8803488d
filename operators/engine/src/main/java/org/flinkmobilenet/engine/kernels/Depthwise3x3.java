package org.flinkmobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.flinkmobilenet.engine.graph.ConvGeometry;

/**
 * Depthwise 3x3 convolution, stride 1 or 2, NHWC, bias and clamp fused.
 *
 * <p>Padding without branches in the interior: an output row reads its three input rows straight
 * from the input, and a row above or below the image reads a row of zeros kept in scratch. The output
 * pixels whose window leaves the image on the left or right (one at each end of a row) take a short
 * path that reads only their columns inside the image. The inner loops never test a coordinate.
 *
 * <p>For each output row and each vector of channels, the nine taps and the bias sit in registers
 * while the row is swept; stride 1 computes four outputs per step (their windows share loads),
 * stride 2 two. With many channels (at least {@link #PIXEL_MAJOR_BLOCKS} full blocks) the steps go
 * pixel-major instead: each step covers every channel block in turn, reloading the taps, so the loads
 * follow memory order; the edge pixels likewise. Stride 1 computes two output rows at once where it can
 * ({@link #pixelsStride1Pair}, {@link #rowStride1Pair}): the four input rows they read are loaded once
 * for both, 24 loads for 8 outputs instead of 36, with every output summed in the same order as
 * alone (same results). Each output sums rows 0-1 and row 2 in two chains, halving the dependency chain. A
 * last partial channel block reads whole vectors (arenas and scratch carry slack) and merges only its
 * real channels into the output.
 */
final class Depthwise3x3 {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int V = S.length();

    /**
     * From this many channel blocks on (all of them full), the interior of a row is computed
     * pixel-major ({@link #pixelsStride1Group}). With 512-bit vectors on the v1 1.0/224 shapes (data
     * 64-byte aligned, same run) it took 4-24 % less time than per-block sweeps on the layers of 128
     * to 1024 channels (most on 14x14x512), and 10-50 % more on those of 32 and 64 channels.
     */
    static final int PIXEL_MAJOR_BLOCKS = 8;

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

    /** Scratch: a row of zeros as wide as an input row. */
    static int scratchFloats(ConvGeometry g, int channels) {
        return g.inW() * channels + V;
    }

    static void run(float[] in, int inOff, float[] out, int outOff, int batch, ConvGeometry g, int channels,
                    float[] w, float[] bias, float lo, float hi, float[] scratch) {
        int inSize = g.inH() * g.inW() * channels, outSize = g.outH() * g.outW() * channels;
        clearZeroRow(g, channels, scratch);
        for (int n = 0; n < batch; n++) {
            rows(in, inOff + n * inSize, out, outOff + n * outSize, g, channels, w, bias, lo, hi, scratch, 0, g.outH());
        }
    }

    /** Zeroes the row of zeros at the start of scratch that {@link #rows} reads for rows outside the image. */
    static void clearZeroRow(ConvGeometry g, int channels, float[] scratch) {
        java.util.Arrays.fill(scratch, 0, g.inW() * channels + V, 0f);
    }

    /**
     * Output rows oy0..oy1-1 of one item: input at {@code inBase}, row oy0 written at {@code outBase}.
     * The row of zeros at the start of {@code scratch} must have been cleared ({@link #clearZeroRow}).
     */
    static void rows(float[] in, int inBase, float[] out, int outBase, ConvGeometry g, int channels,
                     float[] w, float[] bias, float lo, float hi, float[] scratch, int oy0, int oy1) {
        int s = g.strideH();
        int inRow = g.inW() * channels;
        // Output columns whose window lies inside the input horizontally.
        int oxLo = ceilDiv(g.padLeft(), s), oxHi = Math.min(g.outW() - 1, Math.floorDiv(g.inW() - 3 + g.padLeft(), s));
        int shift = g.padLeft() * channels; // a row offset minus this, plus ox * s * channels, is the window's first column
        boolean pixelMajor = channels % V == 0 && channels >= PIXEL_MAJOR_BLOCKS * V;
        boolean pairs = pixelMajor && s == 1;
        int pairedRow = -1, pairedDone = 0; // the row whose interior the previous row's pair step already computed
        for (int oy = oy0; oy < oy1; oy++) {
            int top = oy * s - g.padTop();
            boolean v0 = top >= 0 && top < g.inH(), v1 = top + 1 >= 0 && top + 1 < g.inH(),
                    v2 = top + 2 >= 0 && top + 2 < g.inH();
            float[] a0 = v0 ? in : scratch, a1 = v1 ? in : scratch, a2 = v2 ? in : scratch;
            int p0 = (v0 ? inBase + top * inRow : 0) - shift, p1 = (v1 ? inBase + (top + 1) * inRow : 0) - shift,
                    p2 = (v2 ? inBase + (top + 2) * inRow : 0) - shift;
            int o = outBase + (oy - oy0) * g.outW() * channels;
            if (oxLo <= oxHi && pixelMajor) {
                int done;
                if (oy == pairedRow) {
                    done = pairedDone;
                } else if (pairs && oy + 1 < oy1) {
                    boolean v3 = top + 3 >= 0 && top + 3 < g.inH();
                    float[] a3 = v3 ? in : scratch;
                    int p3 = (v3 ? inBase + (top + 3) * inRow : 0) - shift;
                    done = pixelsStride1Pair(a0, p0, a1, p1, a2, p2, a3, p3, channels, oxLo, oxHi + 1, out, o,
                            o + g.outW() * channels, w, bias, lo, hi);
                    pairedRow = oy + 1;
                    pairedDone = done;
                } else {
                    done = s == 1
                            ? pixelsStride1Group(a0, p0, a1, p1, a2, p2, channels, oxLo, oxHi + 1, out, o, w, bias, lo, hi)
                            : pixelsStride2Group(a0, p0, a1, p1, a2, p2, channels, oxLo, oxHi + 1, out, o, w, bias, lo, hi);
                }
                for (int c0 = 0; c0 < channels && done <= oxHi; c0 += V) {
                    int wb = (c0 / V) * 9 * V;
                    if (s == 1) {
                        rowStride1x1(a0, p0 + c0, a1, p1 + c0, a2, p2 + c0, channels, done, oxHi + 1, out, o + c0, w, wb,
                                bias, c0, lo, hi);
                    } else {
                        rowStride2x1(a0, p0 + c0, a1, p1 + c0, a2, p2 + c0, channels, done, oxHi + 1, out, o + c0, w, wb,
                                bias, c0, lo, hi);
                    }
                }
            } else if (oxLo <= oxHi) {
                boolean pair = s == 1 && oy != pairedRow && oy + 1 < oy1 && channels >= V;
                int a3p3 = 0;
                float[] a3 = scratch;
                if (pair) {
                    boolean v3 = top + 3 >= 0 && top + 3 < g.inH();
                    a3 = v3 ? in : scratch;
                    a3p3 = (v3 ? inBase + (top + 3) * inRow : 0) - shift;
                }
                for (int c0 = 0; c0 < channels; c0 += V) {
                    boolean full = c0 + V <= channels;
                    if (full && oy == pairedRow) {
                        continue; // computed with the row above
                    }
                    if (full && pair) {
                        sweepPair(a0, p0 + c0, a1, p1 + c0, a2, p2 + c0, a3, a3p3 + c0, channels, oxLo, oxHi + 1, out,
                                o + c0, o + g.outW() * channels + c0, w, bias, c0, lo, hi);
                    } else {
                        sweep(a0, p0 + c0, a1, p1 + c0, a2, p2 + c0, channels, s, oxLo, oxHi + 1, out, o + c0, w, bias,
                                c0, lo, hi);
                    }
                }
                if (pair) {
                    pairedRow = oy + 1;
                }
            }
            for (int ox = 0; ox < g.outW(); ox++) {
                if (ox >= oxLo && ox <= oxHi) {
                    continue;
                }
                int left = ox * s - g.padLeft(); // the window's first input column, outside the image
                int kxFrom = Math.max(0, -left), kxTo = Math.min(2, g.inW() - 1 - left);
                int at = left * channels + shift; // undoes the shift built into p0..p2
                if (pixelMajor && kxTo == kxFrom + 1) {
                    pixelsEdge2(a0, p0 + at, a1, p1 + at, a2, p2 + at, channels, kxFrom, out, o + ox * channels, w, bias,
                            lo, hi);
                    continue;
                }
                for (int c0 = 0; c0 < channels; c0 += V) {
                    edge(a0, p0 + at + c0, a1, p1 + at + c0, a2, p2 + at + c0, channels, kxFrom, kxTo,
                            out, o + ox * channels + c0, w, bias, c0, lo, hi);
                }
            }
        }
    }

    /**
     * One output pixel whose window leaves the image on the left or right: only its columns
     * kxFrom..kxTo are read. Rows outside the image already point at the zero row.
     */
    private static void edge(float[] a0, int r0, float[] a1, int r1, float[] a2, int r2, int channels, int kxFrom,
                             int kxTo, float[] out, int o, float[] w, float[] bias, int c0, float lo, float hi) {
        int wb = (c0 / V) * 9 * V;
        FloatVector acc = FloatVector.fromArray(S, bias, c0);
        for (int kx = kxFrom; kx <= kxTo; kx++) {
            int col = kx * channels;
            acc = FloatVector.fromArray(S, a0, r0 + col).fma(FloatVector.fromArray(S, w, wb + kx * V), acc);
            acc = FloatVector.fromArray(S, a1, r1 + col).fma(FloatVector.fromArray(S, w, wb + (3 + kx) * V), acc);
            acc = FloatVector.fromArray(S, a2, r2 + col).fma(FloatVector.fromArray(S, w, wb + (6 + kx) * V), acc);
        }
        acc = acc.max(lo).min(hi);
        if (c0 + V <= channels) {
            acc.intoArray(out, o);
        } else {
            VectorMask<Float> m = FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, channels - c0);
            FloatVector.fromArray(S, out, o).blend(acc, m).intoArray(out, o);
        }
    }

    /** Output pixels from..to-1 of one row and one channel block. */
    private static void sweep(float[] a0, int r0, float[] a1, int r1, float[] a2, int r2, int channels, int s,
                              int from, int to, float[] out, int o, float[] w, float[] bias, int c0, float lo, float hi) {
        int wb = (c0 / V) * 9 * V;
        if (c0 + V > channels) {
            int valid = channels - c0;
            if (s == 1) {
                rowStride1Masked(a0, r0, a1, r1, a2, r2, channels, from, to, out, o, w, wb, bias, c0, lo, hi, valid);
            } else {
                rowStride2Masked(a0, r0, a1, r1, a2, r2, channels, from, to, out, o, w, wb, bias, c0, lo, hi, valid);
            }
        } else if (s == 1) {
            int done = rowStride1Group(a0, r0, a1, r1, a2, r2, channels, from, to, out, o, w, wb, bias, c0, lo, hi);
            rowStride1x1(a0, r0, a1, r1, a2, r2, channels, done, to, out, o, w, wb, bias, c0, lo, hi);
        } else {
            int done = rowStride2Group(a0, r0, a1, r1, a2, r2, channels, from, to, out, o, w, wb, bias, c0, lo, hi);
            rowStride2x1(a0, r0, a1, r1, a2, r2, channels, done, to, out, o, w, wb, bias, c0, lo, hi);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Stride 1, 4 outputs per step: neighbouring windows share their loads. */
    private static int rowStride1Group(float[] in0, int r0, float[] in1, int r1, float[] in2, int r2, int channels, int from, int to,
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
            FloatVector x00 = FloatVector.fromArray(S, in0, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in0, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in0, r0 + c + 2 * channels);
            FloatVector x03 = FloatVector.fromArray(S, in0, r0 + c + 3 * channels);
            FloatVector x04 = FloatVector.fromArray(S, in0, r0 + c + 4 * channels);
            FloatVector x05 = FloatVector.fromArray(S, in0, r0 + c + 5 * channels);
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
            FloatVector x20 = FloatVector.fromArray(S, in2, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in2, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in2, r2 + c + 2 * channels);
            FloatVector x23 = FloatVector.fromArray(S, in2, r2 + c + 3 * channels);
            FloatVector x24 = FloatVector.fromArray(S, in2, r2 + c + 4 * channels);
            FloatVector x25 = FloatVector.fromArray(S, in2, r2 + c + 5 * channels);
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
            FloatVector x10 = FloatVector.fromArray(S, in1, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in1, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in1, r1 + c + 2 * channels);
            FloatVector x13 = FloatVector.fromArray(S, in1, r1 + c + 3 * channels);
            FloatVector x14 = FloatVector.fromArray(S, in1, r1 + c + 4 * channels);
            FloatVector x15 = FloatVector.fromArray(S, in1, r1 + c + 5 * channels);
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
    private static int rowStride2Group(float[] in0, int r0, float[] in1, int r1, float[] in2, int r2, int channels, int from, int to,
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
            FloatVector x00 = FloatVector.fromArray(S, in0, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in0, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in0, r0 + c + 2 * channels);
            FloatVector x03 = FloatVector.fromArray(S, in0, r0 + c + 3 * channels);
            FloatVector x04 = FloatVector.fromArray(S, in0, r0 + c + 4 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector a1 = x02.fma(w00, b);
            a1 = x03.fma(w01, a1);
            a1 = x04.fma(w02, a1);
            FloatVector x20 = FloatVector.fromArray(S, in2, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in2, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in2, r2 + c + 2 * channels);
            FloatVector x23 = FloatVector.fromArray(S, in2, r2 + c + 3 * channels);
            FloatVector x24 = FloatVector.fromArray(S, in2, r2 + c + 4 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector t1 = x22.mul(w20);
            t1 = x23.fma(w21, t1);
            t1 = x24.fma(w22, t1);
            FloatVector x10 = FloatVector.fromArray(S, in1, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in1, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in1, r1 + c + 2 * channels);
            FloatVector x13 = FloatVector.fromArray(S, in1, r1 + c + 3 * channels);
            FloatVector x14 = FloatVector.fromArray(S, in1, r1 + c + 4 * channels);
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
    private static int rowStride1x1(float[] in0, int r0, float[] in1, int r1, float[] in2, int r2, int channels, int from, int to,
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
            FloatVector x00 = FloatVector.fromArray(S, in0, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in0, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in0, r0 + c + 2 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector x20 = FloatVector.fromArray(S, in2, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in2, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in2, r2 + c + 2 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector x10 = FloatVector.fromArray(S, in1, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in1, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in1, r1 + c + 2 * channels);
            a0 = x10.fma(w10, a0);
            a0 = x11.fma(w11, a0);
            a0 = x12.fma(w12, a0);
            a0.add(t0).max(lo).min(hi).intoArray(out, at);
        }
        return ox;
    }

    /** Stride 2, one output per step: the remainder of a row. */
    private static int rowStride2x1(float[] in0, int r0, float[] in1, int r1, float[] in2, int r2, int channels, int from, int to,
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
            FloatVector x00 = FloatVector.fromArray(S, in0, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in0, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in0, r0 + c + 2 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector x20 = FloatVector.fromArray(S, in2, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in2, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in2, r2 + c + 2 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector x10 = FloatVector.fromArray(S, in1, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in1, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in1, r1 + c + 2 * channels);
            a0 = x10.fma(w10, a0);
            a0 = x11.fma(w11, a0);
            a0 = x12.fma(w12, a0);
            a0.add(t0).max(lo).min(hi).intoArray(out, at);
        }
        return ox;
    }

    /** Stride 1, the last partial channel block (masked loads and stores). */
    private static int rowStride1Masked(float[] in0, int r0, float[] in1, int r1, float[] in2, int r2, int channels, int from, int to,
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
        VectorMask<Float> m = FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid);
        FloatVector b = FloatVector.fromArray(S, bias, c0);
        int ox = from;
        for (; ox + 1 <= to; ox += 1) {
            int c = ox * 1 * channels;
            int at = o + ox * channels;
            FloatVector x00 = FloatVector.fromArray(S, in0, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in0, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in0, r0 + c + 2 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector x20 = FloatVector.fromArray(S, in2, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in2, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in2, r2 + c + 2 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector x10 = FloatVector.fromArray(S, in1, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in1, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in1, r1 + c + 2 * channels);
            a0 = x10.fma(w10, a0);
            a0 = x11.fma(w11, a0);
            a0 = x12.fma(w12, a0);
            FloatVector.fromArray(S, out, at).blend(a0.add(t0).max(lo).min(hi), m).intoArray(out, at);
        }
        return ox;
    }

    /** Stride 2, the last partial channel block (masked loads and stores). */
    private static int rowStride2Masked(float[] in0, int r0, float[] in1, int r1, float[] in2, int r2, int channels, int from, int to,
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
        VectorMask<Float> m = FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, valid);
        FloatVector b = FloatVector.fromArray(S, bias, c0);
        int ox = from;
        for (; ox + 1 <= to; ox += 1) {
            int c = ox * 2 * channels;
            int at = o + ox * channels;
            FloatVector x00 = FloatVector.fromArray(S, in0, r0 + c);
            FloatVector x01 = FloatVector.fromArray(S, in0, r0 + c + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in0, r0 + c + 2 * channels);
            FloatVector a0 = x00.fma(w00, b);
            a0 = x01.fma(w01, a0);
            a0 = x02.fma(w02, a0);
            FloatVector x20 = FloatVector.fromArray(S, in2, r2 + c);
            FloatVector x21 = FloatVector.fromArray(S, in2, r2 + c + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in2, r2 + c + 2 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            FloatVector x10 = FloatVector.fromArray(S, in1, r1 + c);
            FloatVector x11 = FloatVector.fromArray(S, in1, r1 + c + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in1, r1 + c + 2 * channels);
            a0 = x10.fma(w10, a0);
            a0 = x11.fma(w11, a0);
            a0 = x12.fma(w12, a0);
            FloatVector.fromArray(S, out, at).blend(a0.add(t0).max(lo).min(hi), m).intoArray(out, at);
        }
        return ox;
    }

    /**
     * Stride 1, 4 outputs per step, pixel-major: for each step, every channel block in turn (taps
     * loaded per block). Reads whole pixels in memory order, unlike a per-block sweep that jumps a
     * pixel's width between loads.
     */
    private static int pixelsStride1Group(float[] in0, int r0, float[] in1, int r1, float[] in2, int r2, int channels, int from, int to,
                            float[] out, int o, float[] w, float[] bias, float lo, float hi) {
        int ox = from;
        for (; ox + 4 <= to; ox += 4) {
            int c = ox * channels;
            int at = o + ox * channels;
            for (int c0 = 0, wb = 0; c0 < channels; c0 += V, wb += 9 * V) {
                FloatVector w00 = FloatVector.fromArray(S, w, wb + 0 * V);
                FloatVector w01 = FloatVector.fromArray(S, w, wb + 1 * V);
                FloatVector w02 = FloatVector.fromArray(S, w, wb + 2 * V);
                FloatVector b = FloatVector.fromArray(S, bias, c0);
                int q0 = r0 + c + c0, q1 = r1 + c + c0, q2 = r2 + c + c0, oc = at + c0;
                FloatVector x00 = FloatVector.fromArray(S, in0, q0);
                FloatVector x01 = FloatVector.fromArray(S, in0, q0 + 1 * channels);
                FloatVector x02 = FloatVector.fromArray(S, in0, q0 + 2 * channels);
                FloatVector x03 = FloatVector.fromArray(S, in0, q0 + 3 * channels);
                FloatVector x04 = FloatVector.fromArray(S, in0, q0 + 4 * channels);
                FloatVector x05 = FloatVector.fromArray(S, in0, q0 + 5 * channels);
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
                FloatVector w20 = FloatVector.fromArray(S, w, wb + 6 * V);
                FloatVector w21 = FloatVector.fromArray(S, w, wb + 7 * V);
                FloatVector w22 = FloatVector.fromArray(S, w, wb + 8 * V);
                FloatVector x20 = FloatVector.fromArray(S, in2, q2);
                FloatVector x21 = FloatVector.fromArray(S, in2, q2 + 1 * channels);
                FloatVector x22 = FloatVector.fromArray(S, in2, q2 + 2 * channels);
                FloatVector x23 = FloatVector.fromArray(S, in2, q2 + 3 * channels);
                FloatVector x24 = FloatVector.fromArray(S, in2, q2 + 4 * channels);
                FloatVector x25 = FloatVector.fromArray(S, in2, q2 + 5 * channels);
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
                FloatVector w10 = FloatVector.fromArray(S, w, wb + 3 * V);
                FloatVector w11 = FloatVector.fromArray(S, w, wb + 4 * V);
                FloatVector w12 = FloatVector.fromArray(S, w, wb + 5 * V);
                FloatVector x10 = FloatVector.fromArray(S, in1, q1);
                FloatVector x11 = FloatVector.fromArray(S, in1, q1 + 1 * channels);
                FloatVector x12 = FloatVector.fromArray(S, in1, q1 + 2 * channels);
                FloatVector x13 = FloatVector.fromArray(S, in1, q1 + 3 * channels);
                FloatVector x14 = FloatVector.fromArray(S, in1, q1 + 4 * channels);
                FloatVector x15 = FloatVector.fromArray(S, in1, q1 + 5 * channels);
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
                a0.add(t0).max(lo).min(hi).intoArray(out, oc);
                a1.add(t1).max(lo).min(hi).intoArray(out, oc + 1 * channels);
                a2.add(t2).max(lo).min(hi).intoArray(out, oc + 2 * channels);
                a3.add(t3).max(lo).min(hi).intoArray(out, oc + 3 * channels);
            }
        }
        return ox;
    }

    /**
     * Stride 1, two output rows at once (input rows 0-3), 4 outputs per row per step, pixel-major:
     * each input row is loaded once for both output rows, so a step of 8 outputs takes 24 input loads
     * instead of 36. Each output sums its terms in {@link #pixelsStride1Group}'s order (same results).
     */
    private static int pixelsStride1Pair(float[] in0, int r0, float[] in1, int r1, float[] in2, int r2, float[] in3, int r3,
                            int channels, int from, int to, float[] out, int o, int o2, float[] w, float[] bias, float lo, float hi) {
        int ox = from;
        for (; ox + 4 <= to; ox += 4) {
            int c = ox * channels;
            for (int c0 = 0, wb = 0; c0 < channels; c0 += V, wb += 9 * V) {
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
                int q0 = r0 + c + c0, q1 = r1 + c + c0, q2 = r2 + c + c0, q3 = r3 + c + c0, oa = o + c + c0, ob = o2 + c + c0;
                FloatVector x00 = FloatVector.fromArray(S, in0, q0);
                FloatVector x01 = FloatVector.fromArray(S, in0, q0 + 1 * channels);
                FloatVector x02 = FloatVector.fromArray(S, in0, q0 + 2 * channels);
                FloatVector x03 = FloatVector.fromArray(S, in0, q0 + 3 * channels);
                FloatVector x04 = FloatVector.fromArray(S, in0, q0 + 4 * channels);
                FloatVector x05 = FloatVector.fromArray(S, in0, q0 + 5 * channels);
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
                FloatVector x10 = FloatVector.fromArray(S, in1, q1);
                FloatVector x11 = FloatVector.fromArray(S, in1, q1 + 1 * channels);
                FloatVector x12 = FloatVector.fromArray(S, in1, q1 + 2 * channels);
                FloatVector x13 = FloatVector.fromArray(S, in1, q1 + 3 * channels);
                FloatVector x14 = FloatVector.fromArray(S, in1, q1 + 4 * channels);
                FloatVector x15 = FloatVector.fromArray(S, in1, q1 + 5 * channels);
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
                FloatVector e0 = x10.fma(w00, b);
                e0 = x11.fma(w01, e0);
                e0 = x12.fma(w02, e0);
                FloatVector e1 = x11.fma(w00, b);
                e1 = x12.fma(w01, e1);
                e1 = x13.fma(w02, e1);
                FloatVector e2 = x12.fma(w00, b);
                e2 = x13.fma(w01, e2);
                e2 = x14.fma(w02, e2);
                FloatVector e3 = x13.fma(w00, b);
                e3 = x14.fma(w01, e3);
                e3 = x15.fma(w02, e3);
                FloatVector x20 = FloatVector.fromArray(S, in2, q2);
                FloatVector x21 = FloatVector.fromArray(S, in2, q2 + 1 * channels);
                FloatVector x22 = FloatVector.fromArray(S, in2, q2 + 2 * channels);
                FloatVector x23 = FloatVector.fromArray(S, in2, q2 + 3 * channels);
                FloatVector x24 = FloatVector.fromArray(S, in2, q2 + 4 * channels);
                FloatVector x25 = FloatVector.fromArray(S, in2, q2 + 5 * channels);
                FloatVector t0 = x20.mul(w20);
                t0 = x21.fma(w21, t0);
                t0 = x22.fma(w22, t0);
                a0.add(t0).max(lo).min(hi).intoArray(out, oa);
                FloatVector t1 = x21.mul(w20);
                t1 = x22.fma(w21, t1);
                t1 = x23.fma(w22, t1);
                a1.add(t1).max(lo).min(hi).intoArray(out, oa + 1 * channels);
                FloatVector t2 = x22.mul(w20);
                t2 = x23.fma(w21, t2);
                t2 = x24.fma(w22, t2);
                a2.add(t2).max(lo).min(hi).intoArray(out, oa + 2 * channels);
                FloatVector t3 = x23.mul(w20);
                t3 = x24.fma(w21, t3);
                t3 = x25.fma(w22, t3);
                a3.add(t3).max(lo).min(hi).intoArray(out, oa + 3 * channels);
                e0 = x20.fma(w10, e0);
                e0 = x21.fma(w11, e0);
                e0 = x22.fma(w12, e0);
                e1 = x21.fma(w10, e1);
                e1 = x22.fma(w11, e1);
                e1 = x23.fma(w12, e1);
                e2 = x22.fma(w10, e2);
                e2 = x23.fma(w11, e2);
                e2 = x24.fma(w12, e2);
                e3 = x23.fma(w10, e3);
                e3 = x24.fma(w11, e3);
                e3 = x25.fma(w12, e3);
                FloatVector x30 = FloatVector.fromArray(S, in3, q3);
                FloatVector x31 = FloatVector.fromArray(S, in3, q3 + 1 * channels);
                FloatVector x32 = FloatVector.fromArray(S, in3, q3 + 2 * channels);
                FloatVector x33 = FloatVector.fromArray(S, in3, q3 + 3 * channels);
                FloatVector x34 = FloatVector.fromArray(S, in3, q3 + 4 * channels);
                FloatVector x35 = FloatVector.fromArray(S, in3, q3 + 5 * channels);
                t0 = x30.mul(w20);
                t0 = x31.fma(w21, t0);
                t0 = x32.fma(w22, t0);
                e0.add(t0).max(lo).min(hi).intoArray(out, ob);
                t1 = x31.mul(w20);
                t1 = x32.fma(w21, t1);
                t1 = x33.fma(w22, t1);
                e1.add(t1).max(lo).min(hi).intoArray(out, ob + 1 * channels);
                t2 = x32.mul(w20);
                t2 = x33.fma(w21, t2);
                t2 = x34.fma(w22, t2);
                e2.add(t2).max(lo).min(hi).intoArray(out, ob + 2 * channels);
                t3 = x33.mul(w20);
                t3 = x34.fma(w21, t3);
                t3 = x35.fma(w22, t3);
                e3.add(t3).max(lo).min(hi).intoArray(out, ob + 3 * channels);
            }
        }
        return ox;
    }

    /**
     * Stride 1, one channel block, two output rows at once (input rows 0-3), 4 outputs per row per step:
     * see {@link #pixelsStride1Pair}. Each output sums its terms in {@link #rowStride1Group}'s order.
     */
    private static int rowStride1Pair(float[] in0, int r0, float[] in1, int r1, float[] in2, int r2, float[] in3, int r3,
                            int channels, int from, int to, float[] out, int o, int o2, float[] w, int wb, float[] bias, int c0,
                            float lo, float hi) {
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
            int c = ox * channels;
            int q0 = r0 + c, q1 = r1 + c, q2 = r2 + c, q3 = r3 + c, oa = o + c, ob = o2 + c;
            FloatVector x00 = FloatVector.fromArray(S, in0, q0);
            FloatVector x01 = FloatVector.fromArray(S, in0, q0 + 1 * channels);
            FloatVector x02 = FloatVector.fromArray(S, in0, q0 + 2 * channels);
            FloatVector x03 = FloatVector.fromArray(S, in0, q0 + 3 * channels);
            FloatVector x04 = FloatVector.fromArray(S, in0, q0 + 4 * channels);
            FloatVector x05 = FloatVector.fromArray(S, in0, q0 + 5 * channels);
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
            FloatVector x10 = FloatVector.fromArray(S, in1, q1);
            FloatVector x11 = FloatVector.fromArray(S, in1, q1 + 1 * channels);
            FloatVector x12 = FloatVector.fromArray(S, in1, q1 + 2 * channels);
            FloatVector x13 = FloatVector.fromArray(S, in1, q1 + 3 * channels);
            FloatVector x14 = FloatVector.fromArray(S, in1, q1 + 4 * channels);
            FloatVector x15 = FloatVector.fromArray(S, in1, q1 + 5 * channels);
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
            FloatVector e0 = x10.fma(w00, b);
            e0 = x11.fma(w01, e0);
            e0 = x12.fma(w02, e0);
            FloatVector e1 = x11.fma(w00, b);
            e1 = x12.fma(w01, e1);
            e1 = x13.fma(w02, e1);
            FloatVector e2 = x12.fma(w00, b);
            e2 = x13.fma(w01, e2);
            e2 = x14.fma(w02, e2);
            FloatVector e3 = x13.fma(w00, b);
            e3 = x14.fma(w01, e3);
            e3 = x15.fma(w02, e3);
            FloatVector x20 = FloatVector.fromArray(S, in2, q2);
            FloatVector x21 = FloatVector.fromArray(S, in2, q2 + 1 * channels);
            FloatVector x22 = FloatVector.fromArray(S, in2, q2 + 2 * channels);
            FloatVector x23 = FloatVector.fromArray(S, in2, q2 + 3 * channels);
            FloatVector x24 = FloatVector.fromArray(S, in2, q2 + 4 * channels);
            FloatVector x25 = FloatVector.fromArray(S, in2, q2 + 5 * channels);
            FloatVector t0 = x20.mul(w20);
            t0 = x21.fma(w21, t0);
            t0 = x22.fma(w22, t0);
            a0.add(t0).max(lo).min(hi).intoArray(out, oa);
            FloatVector t1 = x21.mul(w20);
            t1 = x22.fma(w21, t1);
            t1 = x23.fma(w22, t1);
            a1.add(t1).max(lo).min(hi).intoArray(out, oa + 1 * channels);
            FloatVector t2 = x22.mul(w20);
            t2 = x23.fma(w21, t2);
            t2 = x24.fma(w22, t2);
            a2.add(t2).max(lo).min(hi).intoArray(out, oa + 2 * channels);
            FloatVector t3 = x23.mul(w20);
            t3 = x24.fma(w21, t3);
            t3 = x25.fma(w22, t3);
            a3.add(t3).max(lo).min(hi).intoArray(out, oa + 3 * channels);
            e0 = x20.fma(w10, e0);
            e0 = x21.fma(w11, e0);
            e0 = x22.fma(w12, e0);
            e1 = x21.fma(w10, e1);
            e1 = x22.fma(w11, e1);
            e1 = x23.fma(w12, e1);
            e2 = x22.fma(w10, e2);
            e2 = x23.fma(w11, e2);
            e2 = x24.fma(w12, e2);
            e3 = x23.fma(w10, e3);
            e3 = x24.fma(w11, e3);
            e3 = x25.fma(w12, e3);
            FloatVector x30 = FloatVector.fromArray(S, in3, q3);
            FloatVector x31 = FloatVector.fromArray(S, in3, q3 + 1 * channels);
            FloatVector x32 = FloatVector.fromArray(S, in3, q3 + 2 * channels);
            FloatVector x33 = FloatVector.fromArray(S, in3, q3 + 3 * channels);
            FloatVector x34 = FloatVector.fromArray(S, in3, q3 + 4 * channels);
            FloatVector x35 = FloatVector.fromArray(S, in3, q3 + 5 * channels);
            t0 = x30.mul(w20);
            t0 = x31.fma(w21, t0);
            t0 = x32.fma(w22, t0);
            e0.add(t0).max(lo).min(hi).intoArray(out, ob);
            t1 = x31.mul(w20);
            t1 = x32.fma(w21, t1);
            t1 = x33.fma(w22, t1);
            e1.add(t1).max(lo).min(hi).intoArray(out, ob + 1 * channels);
            t2 = x32.mul(w20);
            t2 = x33.fma(w21, t2);
            t2 = x34.fma(w22, t2);
            e2.add(t2).max(lo).min(hi).intoArray(out, ob + 2 * channels);
            t3 = x33.mul(w20);
            t3 = x34.fma(w21, t3);
            t3 = x35.fma(w22, t3);
            e3.add(t3).max(lo).min(hi).intoArray(out, ob + 3 * channels);
        }
        return ox;
    }

    /** {@link #sweep} of one full channel block, stride 1, for two output rows (input rows 0-3). */
    private static void sweepPair(float[] a0, int r0, float[] a1, int r1, float[] a2, int r2, float[] a3, int r3, int channels,
                                  int from, int to, float[] out, int o, int o2, float[] w, float[] bias, int c0, float lo,
                                  float hi) {
        int wb = (c0 / V) * 9 * V;
        int done = rowStride1Pair(a0, r0, a1, r1, a2, r2, a3, r3, channels, from, to, out, o, o2, w, wb, bias, c0, lo, hi);
        rowStride1x1(a0, r0, a1, r1, a2, r2, channels, done, to, out, o, w, wb, bias, c0, lo, hi);
        rowStride1x1(a1, r1, a2, r2, a3, r3, channels, done, to, out, o2, w, wb, bias, c0, lo, hi);
    }

    /** Stride 2, 2 outputs per step, pixel-major (see {@link #pixelsStride1Group}). */
    private static int pixelsStride2Group(float[] in0, int r0, float[] in1, int r1, float[] in2, int r2, int channels, int from, int to,
                            float[] out, int o, float[] w, float[] bias, float lo, float hi) {
        int ox = from;
        for (; ox + 2 <= to; ox += 2) {
            int c = ox * 2 * channels;
            int at = o + ox * channels;
            for (int c0 = 0, wb = 0; c0 < channels; c0 += V, wb += 9 * V) {
                FloatVector w00 = FloatVector.fromArray(S, w, wb + 0 * V);
                FloatVector w01 = FloatVector.fromArray(S, w, wb + 1 * V);
                FloatVector w02 = FloatVector.fromArray(S, w, wb + 2 * V);
                FloatVector b = FloatVector.fromArray(S, bias, c0);
                int q0 = r0 + c + c0, q1 = r1 + c + c0, q2 = r2 + c + c0, oc = at + c0;
                FloatVector x00 = FloatVector.fromArray(S, in0, q0);
                FloatVector x01 = FloatVector.fromArray(S, in0, q0 + 1 * channels);
                FloatVector x02 = FloatVector.fromArray(S, in0, q0 + 2 * channels);
                FloatVector x03 = FloatVector.fromArray(S, in0, q0 + 3 * channels);
                FloatVector x04 = FloatVector.fromArray(S, in0, q0 + 4 * channels);
                FloatVector a0 = x00.fma(w00, b);
                a0 = x01.fma(w01, a0);
                a0 = x02.fma(w02, a0);
                FloatVector a1 = x02.fma(w00, b);
                a1 = x03.fma(w01, a1);
                a1 = x04.fma(w02, a1);
                FloatVector w20 = FloatVector.fromArray(S, w, wb + 6 * V);
                FloatVector w21 = FloatVector.fromArray(S, w, wb + 7 * V);
                FloatVector w22 = FloatVector.fromArray(S, w, wb + 8 * V);
                FloatVector x20 = FloatVector.fromArray(S, in2, q2);
                FloatVector x21 = FloatVector.fromArray(S, in2, q2 + 1 * channels);
                FloatVector x22 = FloatVector.fromArray(S, in2, q2 + 2 * channels);
                FloatVector x23 = FloatVector.fromArray(S, in2, q2 + 3 * channels);
                FloatVector x24 = FloatVector.fromArray(S, in2, q2 + 4 * channels);
                FloatVector t0 = x20.mul(w20);
                t0 = x21.fma(w21, t0);
                t0 = x22.fma(w22, t0);
                FloatVector t1 = x22.mul(w20);
                t1 = x23.fma(w21, t1);
                t1 = x24.fma(w22, t1);
                FloatVector w10 = FloatVector.fromArray(S, w, wb + 3 * V);
                FloatVector w11 = FloatVector.fromArray(S, w, wb + 4 * V);
                FloatVector w12 = FloatVector.fromArray(S, w, wb + 5 * V);
                FloatVector x10 = FloatVector.fromArray(S, in1, q1);
                FloatVector x11 = FloatVector.fromArray(S, in1, q1 + 1 * channels);
                FloatVector x12 = FloatVector.fromArray(S, in1, q1 + 2 * channels);
                FloatVector x13 = FloatVector.fromArray(S, in1, q1 + 3 * channels);
                FloatVector x14 = FloatVector.fromArray(S, in1, q1 + 4 * channels);
                a0 = x10.fma(w10, a0);
                a0 = x11.fma(w11, a0);
                a0 = x12.fma(w12, a0);
                a1 = x12.fma(w10, a1);
                a1 = x13.fma(w11, a1);
                a1 = x14.fma(w12, a1);
                a0.add(t0).max(lo).min(hi).intoArray(out, oc);
                a1.add(t1).max(lo).min(hi).intoArray(out, oc + 1 * channels);
            }
        }
        return ox;
    }

    /**
     * Pixel-major rows: an edge pixel whose window keeps two columns, kx and kx + 1, for every channel
     * block, in {@link #edge}'s order of operations.
     */
    private static void pixelsEdge2(float[] a0, int r0, float[] a1, int r1, float[] a2, int r2, int channels, int kx,
                                    float[] out, int o, float[] w, float[] bias, float lo, float hi) {
        int col = kx * channels, col1 = col + channels;
        for (int c0 = 0, wb = kx * V; c0 < channels; c0 += V, wb += 9 * V) {
            FloatVector acc = FloatVector.fromArray(S, bias, c0);
            acc = FloatVector.fromArray(S, a0, r0 + col + c0).fma(FloatVector.fromArray(S, w, wb), acc);
            acc = FloatVector.fromArray(S, a1, r1 + col + c0).fma(FloatVector.fromArray(S, w, wb + 3 * V), acc);
            acc = FloatVector.fromArray(S, a2, r2 + col + c0).fma(FloatVector.fromArray(S, w, wb + 6 * V), acc);
            acc = FloatVector.fromArray(S, a0, r0 + col1 + c0).fma(FloatVector.fromArray(S, w, wb + V), acc);
            acc = FloatVector.fromArray(S, a1, r1 + col1 + c0).fma(FloatVector.fromArray(S, w, wb + 4 * V), acc);
            acc = FloatVector.fromArray(S, a2, r2 + col1 + c0).fma(FloatVector.fromArray(S, w, wb + 7 * V), acc);
            acc.max(lo).min(hi).intoArray(out, o + c0);
        }
    }
}
