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

    /**
     * Parses a normalisation as users write it: {@code imagenet}, {@code minus-one-to-one} (also
     * {@code [-1,1]}), or {@code mean=M[,M,M];std=S[,S,S]} on 0..255 pixels.
     *
     * @throws IllegalArgumentException with a message saying what is expected
     */
    public static InputNormalization parse(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "imagenet":
                return IMAGENET;
            case "minus-one-to-one":
            case "[-1,1]":
                return MINUS_ONE_TO_ONE;
            default:
                break;
        }
        float[] mean = null, std = null;
        for (String part : t.split(";")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException(usage(text));
            }
            float[] values = triple(kv[1], text);
            switch (kv[0].strip()) {
                case "mean" -> mean = values;
                case "std" -> std = values;
                default -> throw new IllegalArgumentException(usage(text));
            }
        }
        if (mean == null || std == null) {
            throw new IllegalArgumentException(usage(text));
        }
        return new InputNormalization(mean, std);
    }

    private static float[] triple(String list, String text) {
        String[] p = list.split(",");
        if (p.length != 1 && p.length != 3) {
            throw new IllegalArgumentException(usage(text));
        }
        float[] out = new float[3];
        try {
            for (int c = 0; c < 3; c++) {
                out[c] = Float.parseFloat(p[p.length == 1 ? 0 : c].strip());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage(text));
        }
        return out;
    }

    private static String usage(String text) {
        return "normalisation '" + text + "' is not one of imagenet, minus-one-to-one, mean=M[,M,M];std=S[,S,S]";
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
