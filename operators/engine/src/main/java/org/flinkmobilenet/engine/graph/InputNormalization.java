package org.flinkmobilenet.engine.graph;

import java.util.Arrays;

/**
 * How 8-bit RGB pixels become the network's input: {@code x = (pixel - mean[c]) / std[c]}. A uint8
 * quantized model's input quantization (scale s, zero point z) is the same thing with mean z and std
 * 1/s, so quantized and float models are fed the same way.
 */
public record InputNormalization(float[] mean, float[] std) {

    /** MobileNet's convention for float models: [0, 255] to [-1, 1]. */
    public static final InputNormalization MINUS_ONE_TO_ONE = uniform(127.5f, 127.5f);

    /** The usual torchvision ImageNet statistics, applied to pixels in [0, 255]. */
    public static final InputNormalization IMAGENET = new InputNormalization(
            new float[] {0.485f * 255f, 0.456f * 255f, 0.406f * 255f},
            new float[] {0.229f * 255f, 0.224f * 255f, 0.225f * 255f});

    public InputNormalization {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("normalisation needs 3 means and 3 standard deviations");
        }
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("standard deviations must be positive: " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    public static InputNormalization uniform(float mean, float std) {
        return new InputNormalization(new float[] {mean, mean, mean}, new float[] {std, std, std});
    }

    /** Normalisation equivalent to a quantized input tensor: real = scale * (q - zeroPoint). */
    public static InputNormalization fromQuantization(float scale, float zeroPoint) {
        return uniform(zeroPoint, 1f / scale);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public String toString() {
        return "(x - " + Arrays.toString(mean) + ") / " + Arrays.toString(std);
    }
}
