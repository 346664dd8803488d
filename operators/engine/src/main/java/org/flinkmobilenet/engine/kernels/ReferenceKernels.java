package org.flinkmobilenet.engine.kernels;

import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.ConvGeometry;

/**
 * The ground truth: every op written straight from its definition as plain loops over NHWC arrays.
 * Slow (about 1 GFLOP/s) and meant to stay that way; every tuned kernel is tested against these.
 *
 * <p>All tensors live in float arrays at an offset; a batch of {@code n} items is stored item after
 * item, so item {@code i} of a value of {@code size} floats starts at {@code offset + i * size}.
 */
public final class ReferenceKernels {

    private ReferenceKernels() {}

    /**
     * Full convolution.
     * out[n, oy, ox, co] = act(bias[co] + sum over ky, kx, ci of in[n, iy, ix, ci] * w[co, ky, kx, ci])
     * with iy = oy * strideH + ky - padTop, ix = ox * strideW + kx - padLeft; outside the input counts as 0.
     */
    public static void conv2d(float[] in, int inOff, float[] out, int outOff, int batch, ConvGeometry g,
                              int cin, int cout,
                              float[] w,    // (cout, kh, kw, cin)
                              float[] bias, // (cout)
                              Activation act) {
        int inSize = g.inH() * g.inW() * cin;
        int outSize = g.outH() * g.outW() * cout;
        for (int n = 0; n < batch; n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int co = 0; co < cout; co++) {
                        float sum = bias[co];
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = oy * g.strideH() + ky - g.padTop();
                            if (iy < 0 || iy >= g.inH()) {
                                continue;
                            }
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = ox * g.strideW() + kx - g.padLeft();
                                if (ix < 0 || ix >= g.inW()) {
                                    continue;
                                }
                                for (int ci = 0; ci < cin; ci++) {
                                    float x = in[inOff + n * inSize + (iy * g.inW() + ix) * cin + ci];
                                    float k = w[((co * g.kh() + ky) * g.kw() + kx) * cin + ci];
                                    sum += x * k;
                                }
                            }
                        }
                        out[outOff + n * outSize + (oy * g.outW() + ox) * cout + co] = act.apply(sum);
                    }
                }
            }
        }
    }

    /**
     * Depthwise convolution, depth multiplier 1.
     * out[n, oy, ox, c] = act(bias[c] + sum over ky, kx of in[n, iy, ix, c] * w[ky, kx, c])
     */
    public static void depthwiseConv2d(float[] in, int inOff, float[] out, int outOff, int batch, ConvGeometry g,
                                       int channels,
                                       float[] w,    // (kh, kw, channels)
                                       float[] bias, // (channels)
                                       Activation act) {
        int inSize = g.inH() * g.inW() * channels;
        int outSize = g.outH() * g.outW() * channels;
        for (int n = 0; n < batch; n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int c = 0; c < channels; c++) {
                        float sum = bias[c];
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = oy * g.strideH() + ky - g.padTop();
                            if (iy < 0 || iy >= g.inH()) {
                                continue;
                            }
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = ox * g.strideW() + kx - g.padLeft();
                                if (ix < 0 || ix >= g.inW()) {
                                    continue;
                                }
                                sum += in[inOff + n * inSize + (iy * g.inW() + ix) * channels + c]
                                        * w[(ky * g.kw() + kx) * channels + c];
                            }
                        }
                        out[outOff + n * outSize + (oy * g.outW() + ox) * channels + c] = act.apply(sum);
                    }
                }
            }
        }
    }

    /** Dense layer: out[n, o] = act(bias[o] + sum over i of in[n, i] * w[o, i]). */
    public static void fullyConnected(float[] in, int inOff, float[] out, int outOff, int batch,
                                      int inFeatures, int outFeatures,
                                      float[] w,    // (outFeatures, inFeatures)
                                      float[] bias, // (outFeatures)
                                      Activation act) {
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < outFeatures; o++) {
                float sum = bias[o];
                for (int i = 0; i < inFeatures; i++) {
                    sum += in[inOff + n * inFeatures + i] * w[o * inFeatures + i];
                }
                out[outOff + n * outFeatures + o] = act.apply(sum);
            }
        }
    }

    /** out[i] = act(a[i] + b[i]) over {@code count} values (the whole batch). */
    public static void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int count,
                           Activation act) {
        for (int i = 0; i < count; i++) {
            out[outOff + i] = act.apply(a[aOff + i] + b[bOff + i]);
        }
    }

    /** Average over each window; padded positions do not count (TFLite's AVERAGE_POOL_2D). */
    public static void avgPool(float[] in, int inOff, float[] out, int outOff, int batch, ConvGeometry g,
                               int channels, Activation act) {
        int inSize = g.inH() * g.inW() * channels;
        int outSize = g.outH() * g.outW() * channels;
        for (int n = 0; n < batch; n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int c = 0; c < channels; c++) {
                        float sum = 0;
                        int count = 0;
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = oy * g.strideH() + ky - g.padTop();
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = ox * g.strideW() + kx - g.padLeft();
                                if (iy >= 0 && iy < g.inH() && ix >= 0 && ix < g.inW()) {
                                    sum += in[inOff + n * inSize + (iy * g.inW() + ix) * channels + c];
                                    count++;
                                }
                            }
                        }
                        out[outOff + n * outSize + (oy * g.outW() + ox) * channels + c] =
                                act.apply(count == 0 ? 0f : sum / count);
                    }
                }
            }
        }
    }

    /** Mean over height and width: out[n, c] = mean over y, x of in[n, y, x, c]. */
    public static void globalAvgPool(float[] in, int inOff, float[] out, int outOff, int batch,
                                     int h, int w, int channels) {
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                float sum = 0;
                for (int p = 0; p < h * w; p++) {
                    sum += in[inOff + n * h * w * channels + p * channels + c];
                }
                out[outOff + n * channels + c] = sum / (h * w);
            }
        }
    }

    /** Softmax over each item's {@code channels} values, with the maximum subtracted for stability. */
    public static void softmax(float[] in, int inOff, float[] out, int outOff, int batch, int channels, float beta) {
        for (int n = 0; n < batch; n++) {
            int base = n * channels;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < channels; c++) {
                max = Math.max(max, in[inOff + base + c]);
            }
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                float e = (float) Math.exp(beta * (in[inOff + base + c] - max));
                out[outOff + base + c] = e;
                sum += e;
            }
            for (int c = 0; c < channels; c++) {
                out[outOff + base + c] = (float) (out[outOff + base + c] / sum);
            }
        }
    }
}
