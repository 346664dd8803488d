package org.flinkmobilenet.engine.kernels;

import org.flinkmobilenet.engine.graph.ConvGeometry;

/**
 * A depthwise 3x3 layer and the pointwise layer that reads it, fused: the depthwise output is made a
 * band of rows at a time into scratch, and the pointwise GEMM consumes the band while it is still in
 * cache. The depthwise output never goes to the arena, so the pair moves one activation less through
 * memory; depthwise layers are memory-bound, which is where MobileNet's time beyond its multiply-adds
 * goes. Each half is the unfused kernel ({@link Depthwise3x3#rows}, {@link Gemm#run}), so the
 * results are the same to the last bit.
 */
final class DepthwisePointwise {

    private static final int V = VectorWidth.SPECIES.length();

    /** Pixels per band: enough 4-pixel tiles to reuse each weight block, few enough to stay in L2. */
    static final int BAND_PIXELS = 128;

    private DepthwisePointwise() {}

    static int bandRows(ConvGeometry g) {
        return Math.min(g.outH(), Math.max(1, (BAND_PIXELS + g.outW() - 1) / g.outW()));
    }

    /** Scratch: the depthwise kernel's row of zeros, then one band of depthwise output. */
    static int scratchFloats(ConvGeometry g, int channels) {
        return Depthwise3x3.scratchFloats(g, channels) + bandRows(g) * g.outW() * channels + V;
    }

    static void run(float[] in, int inOff, float[] out, int outOff, int batch, ConvGeometry g, int channels,
                    float[] dwWeights, float[] dwBias, float dwLo, float dwHi,
                    PackedWeights pw, float pwLo, float pwHi, float[] scratch) {
        int band = Depthwise3x3.scratchFloats(g, channels);
        int rowsPerBand = bandRows(g);
        int inSize = g.inH() * g.inW() * channels;
        int cout = pw.outputs;
        int outRow = g.outW() * cout;
        Depthwise3x3.clearZeroRow(g, channels, scratch);
        for (int n = 0; n < batch; n++) {
            int inBase = inOff + n * inSize, outBase = outOff + n * g.outH() * outRow;
            for (int oy = 0; oy < g.outH(); oy += rowsPerBand) {
                int oy1 = Math.min(g.outH(), oy + rowsPerBand);
                Depthwise3x3.rows(in, inBase, scratch, band, g, channels, dwWeights, dwBias, dwLo, dwHi, scratch, oy, oy1);
                Gemm.run(scratch, band, channels, (oy1 - oy) * g.outW(), pw, out, outBase + oy * outRow, cout, pwLo, pwHi);
            }
        }
    }
}
