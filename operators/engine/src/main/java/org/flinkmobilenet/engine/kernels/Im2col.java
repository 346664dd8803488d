package org.flinkmobilenet.engine.kernels;

import org.flinkmobilenet.engine.graph.ConvGeometry;

/**
 * Unrolls a full convolution's input windows into rows, one per output pixel, in the weights' own
 * (ky, kx, channel) order, so the convolution becomes a {@link Gemm} over those rows. Taps that fall
 * in the padding are zeros.
 */
final class Im2col {

    private Im2col() {}

    /** Floats one item's rows take: (output pixels, kh x kw x channels). */
    static int size(ConvGeometry g, int channels) {
        return g.outH() * g.outW() * g.kh() * g.kw() * channels;
    }

    static void unroll(float[] in, int inOff, ConvGeometry g, int channels, float[] rows) {
        int k = g.kh() * g.kw() * channels;
        int r = 0;
        for (int oy = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox++, r += k) {
                int t = r;
                for (int ky = 0; ky < g.kh(); ky++) {
                    int iy = oy * g.strideH() + ky - g.padTop();
                    for (int kx = 0; kx < g.kw(); kx++, t += channels) {
                        int ix = ox * g.strideW() + kx - g.padLeft();
                        if (iy < 0 || iy >= g.inH() || ix < 0 || ix >= g.inW()) {
                            java.util.Arrays.fill(rows, t, t + channels, 0f);
                        } else if (channels < 16) {
                            // a few floats (RGB): a plain loop beats the call into arraycopy
                            int from = inOff + (iy * g.inW() + ix) * channels;
                            for (int c = 0; c < channels; c++) {
                                rows[t + c] = in[from + c];
                            }
                        } else {
                            System.arraycopy(in, inOff + (iy * g.inW() + ix) * channels, rows, t, channels);
                        }
                    }
                }
            }
        }
    }
}
