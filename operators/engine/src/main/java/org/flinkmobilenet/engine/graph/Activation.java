package org.flinkmobilenet.engine.graph;

import java.util.Locale;

/**
 * The activation fused into a layer's output, applied after the bias. Every activation MobileNets use
 * is a clamp {@code min(max(x, lo), hi)}: none, ReLU, ReLU6, and the saturation a quantized model's
 * output range implies (its float emulation clamps where the 8-bit integers would saturate).
 */
public record Activation(float lo, float hi) {

    public static final Activation NONE = new Activation(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    public static final Activation RELU = new Activation(0f, Float.POSITIVE_INFINITY);
    public static final Activation RELU6 = new Activation(0f, 6f);

    public Activation {
        if (Float.isNaN(lo) || Float.isNaN(hi) || lo > hi) {
            throw new IllegalArgumentException("activation range [" + lo + ", " + hi + "] is empty");
        }
    }

    public float apply(float x) {
        return Math.min(Math.max(x, lo), hi);
    }

    /** This activation further limited to [lo, hi]. */
    public Activation limitTo(float lo, float hi) {
        Activation a = new Activation(Math.max(this.lo, lo), Math.min(this.hi, hi));
        return a.equals(this) ? this : a;
    }

    public boolean isNone() {
        return equals(NONE);
    }

    /** "none", "relu", "relu6", or "clamp[lo, hi]". */
    public String label() {
        if (equals(NONE)) {
            return "none";
        }
        if (equals(RELU)) {
            return "relu";
        }
        if (equals(RELU6)) {
            return "relu6";
        }
        return String.format(Locale.ROOT, "clamp[%g, %g]", lo, hi);
    }

    @Override
    public String toString() {
        return label();
    }
}
