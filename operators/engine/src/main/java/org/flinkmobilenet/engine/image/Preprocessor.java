package org.flinkmobilenet.engine.image;

import org.flinkmobilenet.engine.graph.InputNormalization;

/**
 * Pixels to the network's input tensor: optional central crop, bilinear resize to the model's
 * resolution (half-pixel centres, edges clamped), then the model's normalisation, written straight
 * into the engine's arena. Keeps per-size lookup tables between calls, so it is not thread-safe: one
 * per engine.
 */
public final class Preprocessor {

    private final int outH;
    private final int outW;
    private final float crop;
    private final float[] mean; // (3)
    private final float[] invStd; // (3)

    // Lookup tables for the last source size seen: source index and weight of each output row/column.
    private int tableW = -1, tableH = -1;
    private int[] x0, x1, y0, y1;
    private float[] fx, fy;

    /**
     * @param crop fraction of each side kept around the centre, in (0, 1]; 1 keeps the whole picture
     */
    public Preprocessor(int outH, int outW, float crop, InputNormalization normalization) {
        if (!(crop > 0 && crop <= 1)) {
            throw new IllegalArgumentException("central crop must be in (0, 1], was " + crop);
        }
        this.outH = outH;
        this.outW = outW;
        this.crop = crop;
        this.mean = normalization.mean();
        this.invStd = new float[3];
        float[] std = normalization.std();
        for (int c = 0; c < 3; c++) {
            invStd[c] = 1f / std[c];
        }
    }

    /** Writes the (outH, outW, 3) input for {@code image} into {@code dst} at {@code offset}. */
    public void fill(RgbImage image, float[] dst, int offset) {
        if (crop == 1f && image.width() == outW && image.height() == outH) {
            // Raw frames sent at the model's size: resizing is the identity (every weight 0), so this gives
            // the same floats as the general path, the normalisation alone.
            normaliseOnly(image.rgb(), dst, offset);
        } else {
            resample(image, dst, offset);
        }
    }

    private void normaliseOnly(byte[] src, float[] dst, int offset) {
        // The general path's arithmetic with every resize weight 0: (byte - mean) * (1 / std), rounded the same.
        float m0 = mean[0], m1 = mean[1], m2 = mean[2], s0 = invStd[0], s1 = invStd[1], s2 = invStd[2];
        for (int i = 0, o = offset; i + 2 < src.length; i += 3, o += 3) {
            dst[o] = ((src[i] & 0xff) - m0) * s0;
            dst[o + 1] = ((src[i + 1] & 0xff) - m1) * s1;
            dst[o + 2] = ((src[i + 2] & 0xff) - m2) * s2;
        }
    }

    /** The general path: crop, bilinear resize, normalise. Package-private so tests can compare it with the fast path. */
    void resample(RgbImage image, float[] dst, int offset) {
        prepareTables(image.width(), image.height());
        byte[] src = image.rgb();
        int rowBytes = image.width() * 3;
        int o = offset;
        for (int y = 0; y < outH; y++) {
            int r0 = y0[y] * rowBytes, r1 = y1[y] * rowBytes;
            float wy = fy[y];
            for (int x = 0; x < outW; x++) {
                int c0 = x0[x] * 3, c1 = x1[x] * 3;
                float wx = fx[x];
                for (int c = 0; c < 3; c++) {
                    float top = (src[r0 + c0 + c] & 0xff) + wx * ((src[r0 + c1 + c] & 0xff) - (src[r0 + c0 + c] & 0xff));
                    float bottom = (src[r1 + c0 + c] & 0xff) + wx * ((src[r1 + c1 + c] & 0xff) - (src[r1 + c0 + c] & 0xff));
                    float v = top + wy * (bottom - top);
                    dst[o++] = (v - mean[c]) * invStd[c];
                }
            }
        }
    }

    private void prepareTables(int w, int h) {
        if (w == tableW && h == tableH) {
            return;
        }
        x0 = new int[outW];
        x1 = new int[outW];
        fx = new float[outW];
        y0 = new int[outH];
        y1 = new int[outH];
        fy = new float[outH];
        axis(w, outW, x0, x1, fx);
        axis(h, outH, y0, y1, fy);
        tableW = w;
        tableH = h;
    }

    /** Source positions for one axis: the central crop of {@code in} mapped onto {@code out} samples. */
    private void axis(int in, int out, int[] i0, int[] i1, float[] frac) {
        double kept = in * (double) crop;
        double start = (in - kept) / 2;
        double scale = kept / out;
        for (int o = 0; o < out; o++) {
            double s = start + (o + 0.5) * scale - 0.5;
            s = Math.max(0, Math.min(in - 1, s));
            int lo = (int) Math.floor(s);
            int hi = Math.min(lo + 1, in - 1);
            i0[o] = lo;
            i1[o] = hi;
            frac[o] = (float) (s - lo);
        }
    }
}
