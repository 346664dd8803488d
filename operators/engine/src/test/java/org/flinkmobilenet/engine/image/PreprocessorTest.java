package org.flinkmobilenet.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.flinkmobilenet.engine.graph.InputNormalization;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

    private static RgbImage gradient(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (x * 10);
                rgb[o + 1] = (byte) (y * 10);
                rgb[o + 2] = (byte) 100;
            }
        }
        return new RgbImage(w, h, rgb);
    }

    @Test
    void sameSizeCopiesPixelsAndNormalises() {
        Preprocessor p = new Preprocessor(3, 4, 1f, InputNormalization.MINUS_ONE_TO_ONE);
        float[] out = new float[3 * 4 * 3];
        p.fill(gradient(4, 3), out, 0);
        // pixel (x=2, y=1): (20, 10, 100)
        int o = (1 * 4 + 2) * 3;
        assertArrayEquals(new float[] {(20 - 127.5f) / 127.5f, (10 - 127.5f) / 127.5f, (100 - 127.5f) / 127.5f},
                new float[] {out[o], out[o + 1], out[o + 2]}, 1e-6f);
    }

    @Test
    void halvingAveragesNeighboursWithHalfPixelCentres() {
        // 4 -> 2 columns: output x=0 samples source 0.5, between columns 0 and 1
        Preprocessor p = new Preprocessor(1, 2, 1f, InputNormalization.uniform(0, 1));
        float[] out = new float[2 * 3];
        p.fill(gradient(4, 1), out, 0);
        assertEquals(5f, out[0], 1e-5f);   // (0 + 10) / 2
        assertEquals(25f, out[3], 1e-5f);  // (20 + 30) / 2
        assertEquals(100f, out[2], 1e-5f);
    }

    @Test
    void centralCropKeepsTheMiddle() {
        // crop 0.5 of an 8-wide row keeps columns 2..5; resized to 4 it is those columns exactly
        Preprocessor p = new Preprocessor(1, 4, 0.5f, InputNormalization.uniform(0, 1));
        float[] out = new float[4 * 3];
        p.fill(gradient(8, 2), out, 3 - 3);
        assertArrayEquals(new float[] {20, 30, 40, 50}, new float[] {out[0], out[3], out[6], out[9]}, 1e-5f);
    }

    @Test
    void upscalingClampsAtTheEdges() {
        Preprocessor p = new Preprocessor(1, 4, 1f, InputNormalization.uniform(0, 1));
        float[] out = new float[4 * 3];
        p.fill(gradient(2, 1), out, 0); // source columns 0 and 10
        assertArrayEquals(new float[] {0, 2.5f, 7.5f, 10}, new float[] {out[0], out[3], out[6], out[9]}, 1e-5f);
    }

    @Test
    void writesAtTheGivenOffsetOnly() {
        Preprocessor p = new Preprocessor(2, 2, 1f, InputNormalization.uniform(0, 1));
        float[] out = new float[5 + 12 + 5];
        java.util.Arrays.fill(out, -1);
        p.fill(gradient(2, 2), out, 5);
        assertEquals(-1f, out[4]);
        assertEquals(-1f, out[17]);
        assertEquals(100f, out[5 + 2]);
    }

    @Test
    void sameSizeFastPathGivesTheResamplingPathsFloatsExactly() {
        // Every byte value in every channel, with the ImageNet mean/std normalisation (not exactly representable).
        java.util.Random random = new java.util.Random(7);
        for (InputNormalization norm : new InputNormalization[] {InputNormalization.MINUS_ONE_TO_ONE,
                InputNormalization.parse("imagenet")}) {
            RgbImage image = gradient(16, 16);
            random.nextBytes(image.rgb());
            for (int b = 0; b < 256; b++) {
                image.rgb()[b * 3] = (byte) b;
                image.rgb()[b * 3 + 1] = (byte) b;
                image.rgb()[b * 3 + 2] = (byte) b;
            }
            Preprocessor p = new Preprocessor(16, 16, 1f, norm);
            float[] fast = new float[5 + 16 * 16 * 3];
            float[] general = new float[5 + 16 * 16 * 3];
            p.fill(image, fast, 5);
            p.resample(image, general, 5);
            assertArrayEquals(general, fast, 0f, "normalisation " + norm);
        }
    }
}
