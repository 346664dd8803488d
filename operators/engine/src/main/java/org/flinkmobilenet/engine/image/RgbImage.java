package org.flinkmobilenet.engine.image;

/** Decoded pixels: 8-bit RGB, interleaved, row-major, no padding. */
public record RgbImage(int width, int height, byte[] rgb /* (height, width, 3) */) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        }
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException(rgb.length + " bytes do not make a " + width + "x" + height + " RGB image");
        }
    }
}
