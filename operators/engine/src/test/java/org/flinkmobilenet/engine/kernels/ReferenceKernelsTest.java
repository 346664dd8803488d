package org.flinkmobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.ConvGeometry;
import org.flinkmobilenet.engine.graph.Padding;
import org.junit.jupiter.api.Test;

/** Each reference op on small cases computed by hand. */
class ReferenceKernelsTest {

    private static final float EPS = 1e-6f;

    /** 1..n as floats. */
    private static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void conv3x3SameStride1SumsTheInBoundsNeighbourhood() {
        float[] in = ramp(9); // 3x3x1: 1 2 3 / 4 5 6 / 7 8 9
        float[] out = new float[9];
        ConvGeometry g = ConvGeometry.of(3, 3, 3, 3, 1, 1, Padding.SAME);
        ReferenceKernels.conv2d(in, 0, out, 0, 1, g, 1, 1, filled(9, 1), new float[1], Activation.NONE);
        assertArrayEquals(new float[] {12, 21, 16, 27, 45, 33, 24, 39, 28}, out, EPS);
    }

    @Test
    void conv3x3SameStride2OnOddInputPadsBothSides() {
        float[] in = ramp(9);
        float[] out = new float[4];
        ConvGeometry g = ConvGeometry.of(3, 3, 3, 3, 2, 2, Padding.SAME); // 3 -> 2, pads 1 and 1
        ReferenceKernels.conv2d(in, 0, out, 0, 1, g, 1, 1, filled(9, 1), new float[1], Activation.NONE);
        assertArrayEquals(new float[] {12, 16, 24, 28}, out, EPS);
    }

    @Test
    void conv3x3SameStride2OnEvenInputPadsOnlyBottomRight() {
        float[] in = ramp(16); // 4x4
        float[] out = new float[4];
        ConvGeometry g = ConvGeometry.of(4, 4, 3, 3, 2, 2, Padding.SAME); // 4 -> 2, pad 0 before, 1 after
        ReferenceKernels.conv2d(in, 0, out, 0, 1, g, 1, 1, filled(9, 1), new float[1], Activation.NONE);
        // windows start at rows/cols 0 and 2: {1,2,3,5,6,7,9,10,11}, {3,4,7,8,11,12}, {9,10,11,13,14,15}, {11,12,15,16}
        assertArrayEquals(new float[] {54, 45, 72, 54}, out, EPS);
    }

    @Test
    void conv3x3ValidStride1() {
        float[] in = ramp(16);
        float[] out = new float[4];
        ConvGeometry g = ConvGeometry.of(4, 4, 3, 3, 1, 1, Padding.VALID);
        ReferenceKernels.conv2d(in, 0, out, 0, 1, g, 1, 1, filled(9, 1), new float[1], Activation.NONE);
        assertArrayEquals(new float[] {54, 63, 90, 99}, out, EPS);
    }

    @Test
    void pointwiseMixesChannelsAddsBiasAndClamps() {
        float[] in = {1, 2};                 // 1x1x2
        float[] w = {3, 4, -1, -1, 2, 2};    // (3 out, 1, 1, 2 in)
        float[] bias = {0.5f, 0, 0};
        ConvGeometry g = ConvGeometry.of(1, 1, 1, 1, 1, 1, Padding.VALID);
        float[] out = new float[3];
        ReferenceKernels.conv2d(in, 0, out, 0, 1, g, 2, 3, w, bias, Activation.NONE);
        assertArrayEquals(new float[] {11.5f, -3, 6}, out, EPS);
        ReferenceKernels.conv2d(in, 0, out, 0, 1, g, 2, 3, w, bias, Activation.RELU);
        assertArrayEquals(new float[] {11.5f, 0, 6}, out, EPS);
        ReferenceKernels.conv2d(in, 0, out, 0, 1, g, 2, 3, w, bias, Activation.RELU6);
        assertArrayEquals(new float[] {6, 0, 6}, out, EPS);
    }

    @Test
    void convRunsEveryItemOfABatchAtItsOffset() {
        float[] arena = new float[5 + 2 * 9 + 2 * 9];
        float[] item = ramp(9);
        for (int i = 0; i < 9; i++) {
            arena[5 + i] = item[i];
            arena[5 + 9 + i] = item[i] + 100;
        }
        ConvGeometry g = ConvGeometry.of(3, 3, 3, 3, 1, 1, Padding.SAME);
        ReferenceKernels.conv2d(arena, 5, arena, 5 + 18, 2, g, 1, 1, filled(9, 1), new float[] {1}, Activation.NONE);
        float[] second = java.util.Arrays.copyOfRange(arena, 5 + 18 + 9, 5 + 18 + 18);
        // every window of the second item holds (count of in-bounds pixels) x 100 more, plus the bias 1
        assertArrayEquals(new float[] {413, 622, 417, 628, 946, 634, 425, 640, 429}, second, EPS);
    }

    @Test
    void depthwiseFiltersEachChannelSeparately() {
        // 3x3x2: channel 0 = 1..9, channel 1 = 10 x (1..9)
        float[] in = new float[18];
        for (int p = 0; p < 9; p++) {
            in[p * 2] = p + 1;
            in[p * 2 + 1] = 10 * (p + 1);
        }
        float[] w = new float[18]; // (3, 3, 2): channel 0 all ones, channel 1 only the centre tap
        for (int t = 0; t < 9; t++) {
            w[t * 2] = 1;
        }
        w[4 * 2 + 1] = 1;
        float[] out = new float[18];
        ConvGeometry g = ConvGeometry.of(3, 3, 3, 3, 1, 1, Padding.SAME);
        ReferenceKernels.depthwiseConv2d(in, 0, out, 0, 1, g, 2, w, new float[] {0, -5}, Activation.NONE);
        float[] ch0 = new float[9], ch1 = new float[9];
        for (int p = 0; p < 9; p++) {
            ch0[p] = out[p * 2];
            ch1[p] = out[p * 2 + 1];
        }
        assertArrayEquals(new float[] {12, 21, 16, 27, 45, 33, 24, 39, 28}, ch0, EPS);
        assertArrayEquals(new float[] {5, 15, 25, 35, 45, 55, 65, 75, 85}, ch1, EPS);
    }

    @Test
    void depthwiseStride2OnEvenAndOddInputs() {
        float[] out = new float[4];
        ReferenceKernels.depthwiseConv2d(ramp(16), 0, out, 0, 1, ConvGeometry.of(4, 4, 3, 3, 2, 2, Padding.SAME),
                1, filled(9, 1), new float[1], Activation.NONE);
        assertArrayEquals(new float[] {54, 45, 72, 54}, out, EPS);
        ReferenceKernels.depthwiseConv2d(ramp(9), 0, out, 0, 1, ConvGeometry.of(3, 3, 3, 3, 2, 2, Padding.SAME),
                1, filled(9, 1), new float[1], Activation.RELU6);
        assertArrayEquals(new float[] {6, 6, 6, 6}, out, EPS);
    }

    @Test
    void fullyConnected() {
        float[] out = new float[2];
        ReferenceKernels.fullyConnected(new float[] {1, 2, 3}, 0, out, 0, 1, 3, 2,
                new float[] {1, 0, 1, 0, 1, 0}, new float[] {1, -1}, Activation.NONE);
        assertArrayEquals(new float[] {5, 1}, out, EPS);
    }

    @Test
    void addWithActivation() {
        float[] out = new float[3];
        ReferenceKernels.add(new float[] {1, 2, 7}, 0, new float[] {3, -5, 0}, 0, out, 0, 3, Activation.RELU6);
        assertArrayEquals(new float[] {4, 0, 6}, out, EPS);
    }

    @Test
    void averagePoolLeavesPaddingOutOfTheAverage() {
        float[] out = new float[4];
        ConvGeometry g = ConvGeometry.of(3, 3, 2, 2, 2, 2, Padding.SAME); // 3 -> 2, pad 0 before, 1 after
        ReferenceKernels.avgPool(ramp(9), 0, out, 0, 1, g, 1, Activation.NONE);
        assertArrayEquals(new float[] {3, 4.5f, 7.5f, 9}, out, EPS);
    }

    @Test
    void globalAveragePoolPerChannel() {
        float[] in = new float[18];
        for (int p = 0; p < 9; p++) {
            in[p * 2] = p + 1;
            in[p * 2 + 1] = -(p + 1);
        }
        float[] out = new float[2];
        ReferenceKernels.globalAvgPool(in, 0, out, 0, 1, 3, 3, 2);
        assertArrayEquals(new float[] {5, -5}, out, EPS);
    }

    @Test
    void softmaxNormalisesAndHonoursBeta() {
        float[] out = new float[2];
        ReferenceKernels.softmax(new float[] {0, (float) Math.log(3)}, 0, out, 0, 1, 2, 1f);
        assertArrayEquals(new float[] {0.25f, 0.75f}, out, EPS);
        ReferenceKernels.softmax(new float[] {0, (float) Math.log(3) / 2}, 0, out, 0, 1, 2, 2f);
        assertArrayEquals(new float[] {0.25f, 0.75f}, out, EPS);
        // large logits do not overflow
        ReferenceKernels.softmax(new float[] {1000, 1000}, 0, out, 0, 1, 2, 1f);
        assertArrayEquals(new float[] {0.5f, 0.5f}, out, EPS);
    }
}
