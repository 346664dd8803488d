package org.flinkmobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.flinkmobilenet.engine.graph.ConvGeometry;

/**
 * The small layers: residual add, average pooling and mean, one vector of channels at a time. A last
 * partial vector of channels is loaded whole and merged into the output, then stored whole (arenas
 * have slack at their end): a masked store in Java 17 checks its lanes in plain Java and allocates.
 */
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
                    int width = x1 - x0, count = (y1 - y0) * width;
                    float inv = 1f / Math.max(1, count);
                    int first = inOff + n * inSize + (y0 * g.inW() + x0) * channels;
                    int o = outOff + n * outSize + (oy * g.outW() + ox) * channels;
                    for (int c = 0; c < channels; c += V) {
                        // one flat loop over the window: a vector carried through nested loops gets boxed
                        FloatVector sum = FloatVector.zero(S);
                        for (int i = 0; i < count; i++) {
                            int at = first + ((i / width) * g.inW() + i % width) * channels + c;
                            sum = sum.add(FloatVector.fromArray(S, in, at));
                        }
                        sum = sum.mul(inv).max(lo).min(hi);
                        if (c + V <= channels) {
                            sum.intoArray(out, o + c);
                        } else {
                            FloatVector.fromArray(S, out, o + c).blend(sum, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, channels - c)).intoArray(out, o + c);
                        }
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
                FloatVector sum = FloatVector.zero(S);
                for (int p = 0; p < h * w; p++) {
                    sum = sum.add(FloatVector.fromArray(S, in, base + p * channels + c));
                }
                sum = sum.mul(inv);
                int o = outOff + n * channels + c;
                if (c + V <= channels) {
                    sum.intoArray(out, o);
                } else {
                    FloatVector.fromArray(S, out, o).blend(sum, FloatVector.fromArray(S, VectorWidth.LANE_INDEX, 0).compare(VectorOperators.LT, channels - c)).intoArray(out, o);
                }
            }
        }
    }
}
