package org.flinkmobilenet.engine.graph;

/**
 * Where a window slides: input and output sizes, kernel, strides and explicit pads. Shared by full
 * convolutions, depthwise convolutions and pooling. Pads are explicit (top/left/bottom/right) so a
 * format's separate PAD op can be folded in and SAME/VALID resolve once, at load.
 */
public record ConvGeometry(
        int inH, int inW,
        int kh, int kw,
        int strideH, int strideW,
        int padTop, int padLeft, int padBottom, int padRight,
        int outH, int outW) {

    public ConvGeometry {
        if (kh <= 0 || kw <= 0 || strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException("kernel and stride must be positive");
        }
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("pads must not be negative");
        }
        int expectH = (inH + padTop + padBottom - kh) / strideH + 1;
        int expectW = (inW + padLeft + padRight - kw) / strideW + 1;
        if (outH != expectH || outW != expectW || outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("output " + outH + "x" + outW + " does not follow from input "
                    + inH + "x" + inW + ", kernel " + kh + "x" + kw + ", stride " + strideH + "x" + strideW
                    + ", pads " + padTop + "," + padLeft + "," + padBottom + "," + padRight
                    + " (expected " + expectH + "x" + expectW + ")");
        }
    }

    /** Geometry for a named TensorFlow padding scheme, computed exactly as TFLite does. */
    public static ConvGeometry of(int inH, int inW, int kh, int kw, int strideH, int strideW, Padding padding) {
        int outH = padding.outputSize(inH, kh, strideH);
        int outW = padding.outputSize(inW, kw, strideW);
        return new ConvGeometry(inH, inW, kh, kw, strideH, strideW,
                padding.padBefore(inH, kh, strideH), padding.padBefore(inW, kw, strideW),
                padding.padAfter(inH, kh, strideH), padding.padAfter(inW, kw, strideW),
                outH, outW);
    }

    /** Adds pads in front of this geometry (a PAD op folded into the next layer). */
    public ConvGeometry withExtraPads(int top, int left, int bottom, int right, int originalH, int originalW) {
        int t = padTop + top, l = padLeft + left, b = padBottom + bottom, r = padRight + right;
        int oh = (originalH + t + b - kh) / strideH + 1;
        int ow = (originalW + l + r - kw) / strideW + 1;
        return new ConvGeometry(originalH, originalW, kh, kw, strideH, strideW, t, l, b, r, oh, ow);
    }

    public boolean isPointwise() {
        return kh == 1 && kw == 1 && strideH == 1 && strideW == 1
                && padTop == 0 && padLeft == 0 && padBottom == 0 && padRight == 0;
    }
}
