package org.flinkmobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.flinkmobilenet.engine.graph.ConvGeometry;

/** The small layers: residual add, average pooling and mean, one vector of channels at a time. */
final class VectorElementwise {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int V = S.length();

    private VectorElementwise() {}

    /** out = clamp(a + b) over {@code count} floats. */
    static void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int count, float lo, float hi) {
        int i = 0;
        for (; i + V <= count; i += V) {
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i))
                    .max(lo).min(hi).intoArray(out, outOff + i);
        }
        for (; i < count; i++) {
            out[outOff + i] = Math.min(Math.max(a[aOff + i] + b[bOff + i], lo), hi);
        }
    }

    /** Average over each window, padded positions left out; then the clamp. */
    static void avgPool(float[] in, int inOff, float[] out, int outOff, int batch, ConvGeometry g, int channels,
                        float lo, float hi) {
        int inSize = g.inH() * g.inW() * channels, outSize = g.outH() * g.outW() * channels;
        for (int n = 0; n < batch; n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                int y0 = Math.max(0, oy * g.strideH() - g.padTop());
                int y1 = Math.min(g.inH(), oy * g.strideH() - g.padTop() + g.kh());
                for (int ox = 0; ox < g.outW(); ox++) {
                    int x0 = Math.max(0, ox * g.strideW() - g.padLeft());
                    int x1 = Math.min(g.inW(), ox * g.strideW() - g.padLeft() + g.kw());
                    float inv = 1f / Math.max(1, (y1 - y0) * (x1 - x0));
                    int o = outOff + n * outSize + (oy * g.outW() + ox) * channels;
                    for (int c = 0; c < channels; c += V) {
                        VectorMask<Float> m = S.indexInRange(c, channels);
                        FloatVector sum = FloatVector.zero(S);
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                sum = sum.add(FloatVector.fromArray(S, in, inOff + n * inSize + (iy * g.inW() + ix) * channels + c, m));
                            }
                        }
                        sum.mul(inv).max(lo).min(hi).intoArray(out, o + c, m);
                    }
                }
            }
        }
    }

    /** Mean over height and width for each channel. */
    static void globalAvgPool(float[] in, int inOff, float[] out, int outOff, int batch, int h, int w, int channels) {
        float inv = 1f / (h * w);
        for (int n = 0; n < batch; n++) {
            int base = inOff + n * h * w * channels;
            for (int c = 0; c < channels; c += V) {
                VectorMask<Float> m = S.indexInRange(c, channels);
                FloatVector sum = FloatVector.zero(S);
                for (int p = 0; p < h * w; p++) {
                    sum = sum.add(FloatVector.fromArray(S, in, base + p * channels + c, m));
                }
                sum.mul(inv).intoArray(out, outOff + n * channels + c, m);
            }
        }
    }
}
