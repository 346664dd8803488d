package org.flinkmobilenet.engine.builder;

import java.util.List;
import java.util.SplittableRandom;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.GraphBuilder;
import org.flinkmobilenet.engine.graph.InputNormalization;
import org.flinkmobilenet.engine.graph.Padding;
import org.flinkmobilenet.engine.graph.Shape;

/**
 * MobileNet v1 as in Table 1 of Howard et al. (2017), for any width multiplier and any input
 * resolution that is a multiple of 32, with deterministic seeded weights. These networks are for
 * measuring (speed, multiply-adds, parameters) on sizes that have no trained weights; their outputs
 * mean nothing and they are marked {@link Graph#synthetic()}.
 *
 * <p>Channel counts follow TensorFlow's slim implementation: {@code max(8, floor(c * alpha))}. The
 * classifier is average pooling over the final 1/32-resolution map, a fully connected layer and a
 * softmax. The "standard convolution" variant replaces each depthwise-separable pair with one full
 * 3x3 convolution of the same input, output and stride.
 */
public final class MobileNetV1Builder {

    /** (output channels, stride) of the 13 depthwise-separable blocks. */
    private static final int[][] BLOCKS = {
        {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
        {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1},
    };

    private double alpha = 1.0;
    private int resolution = 224;
    private int classes = 1000;
    private boolean standardConvolutions;
    private long seed = 42;

    public MobileNetV1Builder alpha(double value) {
        if (!(value > 0 && value <= 4)) {
            throw new IllegalArgumentException("width multiplier must be in (0, 4], was " + value);
        }
        this.alpha = value;
        return this;
    }

    public MobileNetV1Builder resolution(int value) {
        if (value < 32 || value % 32 != 0 || value > 2048) {
            throw new IllegalArgumentException("resolution must be a multiple of 32 between 32 and 2048, was " + value);
        }
        this.resolution = value;
        return this;
    }

    public MobileNetV1Builder classes(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("classes must be positive, was " + value);
        }
        this.classes = value;
        return this;
    }

    /** The paper's comparison network: full 3x3 convolutions instead of depthwise-separable pairs. */
    public MobileNetV1Builder standardConvolutions(boolean value) {
        this.standardConvolutions = value;
        return this;
    }

    public MobileNetV1Builder seed(long value) {
        this.seed = value;
        return this;
    }

    public int channels(int base) {
        return Math.max(8, (int) (base * alpha));
    }

    public String name() {
        return "mobilenet_v1_" + alpha + "_" + resolution + (standardConvolutions ? "_standard_conv" : "")
                + " (synthetic weights)";
    }

    public Graph build() {
        SplittableRandom random = new SplittableRandom(seed);
        GraphBuilder b = new GraphBuilder(name(), "input", new Shape(resolution, resolution, 3));
        int c = channels(32);
        int x = b.conv("Conv2d_0", GraphBuilder.input(), 3, 2, Padding.SAME, c,
                heNormal(random, c * 3 * 3 * 3, 3 * 3 * 3), bias(random, c), Activation.RELU6);
        for (int i = 0; i < BLOCKS.length; i++) {
            int out = channels(BLOCKS[i][0]);
            int stride = BLOCKS[i][1];
            int in = b.shape(x).c();
            String block = "Conv2d_" + (i + 1);
            if (standardConvolutions) {
                x = b.conv(block, x, 3, stride, Padding.SAME, out,
                        heNormal(random, out * 9 * in, 9 * in), bias(random, out), Activation.RELU6);
            } else {
                x = b.depthwise(block + "_depthwise", x, 3, stride, Padding.SAME,
                        heNormal(random, 9 * in, 9), bias(random, in), Activation.RELU6);
                x = b.conv(block + "_pointwise", x, 1, 1, Padding.SAME, out,
                        heNormal(random, out * in, in), bias(random, out), Activation.RELU6);
            }
        }
        int size = b.shape(x).h();
        x = b.avgPool("AvgPool_1a", x, size, size, Padding.VALID);
        int features = b.shape(x).c();
        x = b.fullyConnected("Logits", x, classes, heNormal(random, classes * features, features),
                bias(random, classes), Activation.NONE);
        x = b.softmax("Predictions", x);
        return b.build(x, InputNormalization.MINUS_ONE_TO_ONE, List.of(), true);
    }

    private static float[] heNormal(SplittableRandom random, int count, int fanIn) {
        float[] w = new float[count];
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < count; i++) {
            w[i] = (float) (gaussian(random) * std);
        }
        return w;
    }

    private static float[] bias(SplittableRandom random, int count) {
        float[] b = new float[count];
        for (int i = 0; i < count; i++) {
            b[i] = (float) (gaussian(random) * 0.01);
        }
        return b;
    }

    /** Box-Muller, so the weights do not depend on a JDK's Random.nextGaussian implementation. */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
