package org.flinkmobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.ConvGeometry;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.GlobalAvgPool;
import org.flinkmobilenet.engine.graph.Padding;
import org.flinkmobilenet.engine.graph.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every tuned kernel against its reference twin on odd shapes: channel counts below, equal to and
 * above the vector width and not multiples of it; spatial 1x1, 7x7, 15x17 and odd sizes at stride 2;
 * batches of 1 and 3. Inputs come from a fixed seed, printed on failure. Tolerance: |tuned - ref| <=
 * 1e-5 * |ref| + 1e-5 * (sum of |terms|), i.e. about 1e-5 relative with a floor that grows with the
 * number of products summed, as float rounding does.
 */
class TunedKernelsTest {

    private static final KernelSet TUNED = KernelSelector.vector();
    private static final KernelSet REFERENCE = ReferenceKernelSet.INSTANCE;
    private static final int V = VectorWidth.SPECIES.length();
    private static final Activation[] ACTIVATIONS = {Activation.NONE, Activation.RELU6, new Activation(-0.5f, 0.75f)};

    static int[] channelCounts() {
        return new int[] {1, 3, V - 1, V, V + 1, 2 * V + 3, 4 * V, 4 * V + 5, 7 * V + 1};
    }

    static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /** Runs both kernels on the same arena layout: value 0 at 0, value 1 after it, value 2 after that. */
    private static void compare(String what, long seed, Kernel tuned, Kernel reference, float[] arenaIn, int[] base,
                                int outOff, int outLen, int batch, float[] absTerms) {
        float[] a = arenaIn.clone(), b = arenaIn.clone();
        int scratch = Math.max(tuned.scratchFloats(), reference.scratchFloats()) + Kernel.SLACK;
        tuned.step().run(a, base, batch, new float[scratch]);
        reference.step().run(b, base, batch, new float[scratch]);
        for (int i = 0; i < outLen; i++) {
            float ref = b[outOff + i], got = a[outOff + i];
            float tol = 1e-5f * Math.abs(ref) + 1e-5f * (absTerms == null ? 1f : Math.max(1f, absTerms[i]));
            if (!(Math.abs(got - ref) <= tol)) {
                throw new AssertionError(what + " (seed " + seed + "): output " + i + " is " + got + ", reference "
                        + ref + " (tolerance " + tol + ")");
            }
        }
        // nothing outside the output may change
        for (int i = 0; i < a.length; i++) {
            if ((i < outOff || i >= outOff + outLen) && Float.compare(a[i], arenaIn[i]) != 0) {
                throw new AssertionError(what + " (seed " + seed + "): wrote outside its output at " + i);
            }
        }
    }

    /** Sum of |x * w| per output, for the tolerance floor, computed with the reference conv on |x|, |w|. */
    private static float[] absTerms(float[] arena, int inOff, int outLen, int batch, ConvGeometry g, int cin, int cout,
                                    float[] w, boolean depthwise) {
        float[] absIn = new float[arena.length];
        for (int i = 0; i < arena.length; i++) {
            absIn[i] = Math.abs(arena[i]);
        }
        float[] absW = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            absW[i] = Math.abs(w[i]);
        }
        float[] out = new float[outLen];
        if (depthwise) {
            ReferenceKernels.depthwiseConv2d(absIn, inOff, out, 0, batch, g, cin, absW, new float[cin], Activation.NONE);
        } else {
            ReferenceKernels.conv2d(absIn, inOff, out, 0, batch, g, cin, cout, absW, new float[cout], Activation.NONE);
        }
        return out;
    }

    static Stream<Arguments> pointwiseShapes() {
        List<Arguments> cases = new ArrayList<>();
        int[][] spatial = {{1, 1}, {7, 7}, {15, 17}, {1, 13}};
        int[] batches = {1, 3};
        long seed = 1000;
        for (int cin : new int[] {1, 3, V - 1, 2 * V + 3, 64}) {
            for (int cout : channelCounts()) {
                for (int[] hw : spatial) {
                    cases.add(Arguments.of(hw[0], hw[1], cin, cout, batches[(int) (seed % 2)], seed++));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "pointwise {0}x{1}, {2} -> {3} channels, batch {4}, seed {5}")
    @MethodSource("pointwiseShapes")
    void pointwiseGemm(int h, int w, int cin, int cout, int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ConvGeometry g = ConvGeometry.of(h, w, 1, 1, 1, 1, Padding.VALID);
        convCase("pointwise", seed, r, g, cin, cout, batch);
    }

    static Stream<Arguments> fullConvShapes() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 2000;
        for (int[] s : new int[][] {
                {3, 3, 2, 3, 32, 224 / 8},  // the first MobileNet layer's kind, smaller image
                {3, 3, 2, 3, 2 * V, 41},    // 2 vectors of outputs: 8-pixel tiles, then 4, then an overlapping 4
                {3, 3, 2, 3, V / 2, 45},    // half a vector (v1 0.25's 8 channels at 512 bits): 8-pixel 1-vector tiles
                {3, 3, 1, 3, V, 10},        // stride 1, 8 interior pixels a row: one 8-pixel tile, nothing left over
                {3, 3, 2, 3, 8, 15},
                {3, 3, 1, 5, 7, 7},
                {3, 3, 2, 2 * V + 1, V + 3, 17},
                {5, 5, 1, 4, 3, 9},
                {3, 3, 2, 3, 4 * V + 1, 16},
        }) {
            cases.add(Arguments.of(s[0], s[1], s[2], s[3], s[4], s[5], seed++));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "conv {0}x{1} stride {2}, {3} -> {4} channels, {5}x{5}, seed {6}")
    @MethodSource("fullConvShapes")
    void fullConvolution(int kh, int kw, int stride, int cin, int cout, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ConvGeometry g = ConvGeometry.of(size, size + 1, kh, kw, stride, stride, Padding.SAME);
        convCase("conv", seed, r, g, cin, cout, 2);
    }

    private void convCase(String what, long seed, SplittableRandom r, ConvGeometry g, int cin, int cout, int batch) {
        int inLen = batch * g.inH() * g.inW() * cin, outLen = batch * g.outH() * g.outW() * cout;
        float[] arena = random(r, 7 + inLen + outLen + Kernel.SLACK, 3);
        float[] weights = random(r, cout * g.kh() * g.kw() * cin, 1);
        float[] bias = random(r, cout, 1);
        int[] base = {7, 7 + inLen};
        float[] terms = absTerms(arena, 7, outLen, batch, g, cin, cout, weights, false);
        for (Activation act : ACTIVATIONS) {
            Conv2d node = new Conv2d("c", 0, 1, g, cin, cout, weights, bias, act);
            compare(what + " " + act, seed, TUNED.conv2d(node), REFERENCE.conv2d(node), arena, base, 7 + inLen, outLen,
                    batch, terms);
        }
    }

    static Stream<Arguments> depthwiseShapes() {
        List<Arguments> cases = new ArrayList<>();
        int[][] spatial = {{1, 1}, {2, 2}, {7, 7}, {15, 17}, {8, 8}, {9, 5}, {3, 4}};
        long seed = 3000;
        for (int stride : new int[] {1, 2}) {
            for (int c : channelCounts()) {
                for (int[] hw : spatial) {
                    cases.add(Arguments.of(hw[0], hw[1], c, stride, seed % 3 == 0 ? Padding.VALID : Padding.SAME,
                            (int) (seed % 2) * 2 + 1, seed++));
                }
            }
        }
        // Depthwise3x3.PIXEL_MAJOR_BLOCKS full channel blocks or more take the pixel-major path
        for (int stride : new int[] {1, 2}) {
            for (int c : new int[] {Depthwise3x3.PIXEL_MAJOR_BLOCKS * V, (Depthwise3x3.PIXEL_MAJOR_BLOCKS + 3) * V}) {
                for (int[] hw : spatial) {
                    cases.add(Arguments.of(hw[0], hw[1], c, stride, seed % 3 == 0 ? Padding.VALID : Padding.SAME,
                            (int) (seed % 2) * 2 + 1, seed++));
                }
            }
        }
        // stride 1 computes two output rows at a time: odd and even heights, both paths, a partial last block
        for (int c : new int[] {V, 2 * V + 5, Depthwise3x3.PIXEL_MAJOR_BLOCKS * V}) {
            for (int[] hw : new int[][] {{5, 9}, {6, 10}, {11, 4}}) {
                for (Padding padding : Padding.values()) {
                    cases.add(Arguments.of(hw[0], hw[1], c, 1, padding, (int) (seed % 2) * 2 + 1, seed++));
                }
            }
        }
        return cases.stream().filter(a -> !(((Padding) a.get()[4]) == Padding.VALID
                && (((int) a.get()[0]) < 3 || ((int) a.get()[1]) < 3)));
    }

    @ParameterizedTest(name = "depthwise 3x3 {0}x{1}x{2} stride {3} {4}, batch {5}, seed {6}")
    @MethodSource("depthwiseShapes")
    void depthwise3x3(int h, int w, int c, int stride, Padding padding, int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ConvGeometry g = ConvGeometry.of(h, w, 3, 3, stride, stride, padding);
        int inLen = batch * h * w * c, outLen = batch * g.outH() * g.outW() * c;
        float[] arena = random(r, 3 + inLen + outLen + Kernel.SLACK, 3);
        float[] weights = random(r, 9 * c, 1);
        float[] bias = random(r, c, 1);
        int[] base = {3, 3 + inLen};
        float[] terms = absTerms(arena, 3, outLen, batch, g, c, c, weights, true);
        for (Activation act : ACTIVATIONS) {
            DepthwiseConv2d node = new DepthwiseConv2d("d", 0, 1, g, c, weights, bias, act);
            compare("depthwise " + act, seed, TUNED.depthwiseConv2d(node), REFERENCE.depthwiseConv2d(node), arena, base,
                    3 + inLen, outLen, batch, terms);
        }
    }

    @ParameterizedTest(name = "depthwise 3x3 + pointwise fused {0}x{1}x{2} stride {3} {4} -> {5}, seed {6}")
    @MethodSource("fusedShapes")
    void fusedDepthwisePointwise(int h, int w, int c, int stride, Padding padding, int cout, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ConvGeometry g = ConvGeometry.of(h, w, 3, 3, stride, stride, padding);
        int batch = 2;
        int inLen = batch * h * w * c, midLen = batch * g.outH() * g.outW() * c, outLen = batch * g.outH() * g.outW() * cout;
        float[] arena = random(r, inLen + midLen + outLen + Kernel.SLACK, 3);
        DepthwiseConv2d dw = new DepthwiseConv2d("d", 0, 1, g, c, random(r, 9 * c, 1), random(r, c, 1), Activation.RELU6);
        ConvGeometry one = ConvGeometry.of(g.outH(), g.outW(), 1, 1, 1, 1, Padding.VALID);
        Conv2d pw = new Conv2d("p", 1, 2, one, c, cout, random(r, c * cout, 1), random(r, cout, 1), Activation.NONE);
        int[] base = {0, inLen, inLen + midLen};
        Kernel fused = TUNED.depthwisePointwise(dw, pw);
        float[] a = arena.clone(), b = arena.clone();
        fused.step().run(a, base, batch, new float[fused.scratchFloats() + Kernel.SLACK]);
        Kernel rd = REFERENCE.depthwiseConv2d(dw), rp = REFERENCE.conv2d(pw);
        rd.step().run(b, base, batch, new float[Kernel.SLACK]);
        rp.step().run(b, base, batch, new float[Kernel.SLACK]);
        for (int i = 0; i < outLen; i++) {
            float ref = b[inLen + midLen + i], got = a[inLen + midLen + i];
            // each output sums c products of a depthwise value (<= 6) and a weight (<= 1), plus the bias
            float tol = 1e-5f * Math.abs(ref) + 1e-5f * 6 * c;
            if (!(Math.abs(got - ref) <= tol)) {
                throw new AssertionError("fused (seed " + seed + "): output " + i + " is " + got + ", reference " + ref);
            }
        }
        for (int i = 0; i < inLen; i++) {
            assertEquals(arena[i], a[i], "fused kernel changed its input (seed " + seed + ")");
        }
    }

    static Stream<Arguments> fusedShapes() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 5000;
        for (int[] s : new int[][] {{15, 17, V + 3, 1, 2 * V + 1}, {7, 7, 4 * V, 1, 4 * V}, {8, 8, 2 * V, 2, 3},
                {9, 5, 3, 2, 4 * V + 5}, {1, 1, V, 1, V}, {112 / 4, 112 / 4, V, 2, 2 * V}, {40, 3, V + 1, 1, V - 1},
                {14, 14, Depthwise3x3.PIXEL_MAJOR_BLOCKS * V, 1, 2 * V + 1}, {15, 13, Depthwise3x3.PIXEL_MAJOR_BLOCKS * V, 2, V},
                {11, 9, Depthwise3x3.PIXEL_MAJOR_BLOCKS * V, 1, V}, {13, 6, 2 * V + 3, 1, V}}) {
            cases.add(Arguments.of(s[0], s[1], s[2], s[3], seed % 2 == 0 ? Padding.SAME : Padding.VALID, s[4], seed++));
        }
        return cases.stream().filter(a -> !(((Padding) a.get()[4]) == Padding.VALID
                && (((int) a.get()[0]) < 3 || ((int) a.get()[1]) < 3)));
    }

    static Stream<Arguments> channelCases() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 4000;
        for (int c : channelCounts()) {
            cases.add(Arguments.of(c, seed++));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "dense 2 x {0} -> 1001, seed {1}")
    @MethodSource("channelCases")
    void dense(int features, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int outputs = 1001, batch = 2;
        float[] arena = random(r, 5 + batch * features + batch * outputs + Kernel.SLACK, 2);
        float[] weights = random(r, outputs * features, 1);
        FullyConnected node = new FullyConnected("fc", 0, 1, features, outputs, weights, random(r, outputs, 1),
                Activation.NONE);
        float[] terms = new float[batch * outputs];
        java.util.Arrays.fill(terms, features * 2f);
        compare("dense", seed, TUNED.fullyConnected(node), REFERENCE.fullyConnected(node), arena,
                new int[] {5, 5 + batch * features}, 5 + batch * features, batch * outputs, batch, terms);
    }

    @ParameterizedTest(name = "add, pools: {0} channels, seed {1}")
    @MethodSource("channelCases")
    void addAndPools(int c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int batch = 2;
        Shape shape = new Shape(7, 5, c);
        int n = batch * shape.size();
        float[] arena = random(r, 1 + 3 * n + Kernel.SLACK, 4);
        int[] base = {1, 1 + n, 1 + 2 * n};
        Add add = new Add("a", 0, 1, 2, Activation.RELU6);
        compare("add", seed, TUNED.add(add, shape), REFERENCE.add(add, shape), arena, base, 1 + 2 * n, n, batch, null);

        GlobalAvgPool mean = new GlobalAvgPool("m", 0, 1);
        compare("mean", seed, TUNED.globalAvgPool(mean, shape), REFERENCE.globalAvgPool(mean, shape), arena,
                new int[] {1, 1 + n}, 1 + n, batch * c, batch, null);

        for (ConvGeometry g : new ConvGeometry[] {
                ConvGeometry.of(7, 5, 7, 5, 1, 1, Padding.VALID),
                ConvGeometry.of(7, 5, 3, 3, 2, 2, Padding.SAME),
                ConvGeometry.of(7, 5, 2, 2, 1, 1, Padding.SAME)}) {
            AvgPool pool = new AvgPool("p", 0, 1, g, Activation.RELU6);
            int outLen = batch * g.outH() * g.outW() * c;
            compare("avgpool " + g, seed, TUNED.avgPool(pool, c), REFERENCE.avgPool(pool, c), arena,
                    new int[] {1, 1 + n}, 1 + n, outLen, batch, null);
        }
    }

    @org.junit.jupiter.api.Test
    void vectorWidthIsTheCpusPreferred() {
        assertEquals(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(), V,
                "run without -Dmobilenet.vector.bits to test the default");
    }
}
