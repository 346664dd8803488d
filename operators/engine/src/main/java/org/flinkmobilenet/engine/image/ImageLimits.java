package org.flinkmobilenet.engine.image;

/**
 * Bounds checked before any pixel memory is allocated: the encoded size, and the width, height and
 * pixel count a picture's header declares.
 */
public record ImageLimits(int maxBytes, int maxDimension, long maxPixels) {

    /** 16 MiB encoded, 16384 pixels a side, 16.7 M pixels (4096 x 4096, 50 MB as RGB). */
    public static final ImageLimits DEFAULT = new ImageLimits(16 << 20, 16384, 4096L * 4096L);

    public ImageLimits {
        if (maxBytes <= 0 || maxDimension <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }

    public void checkBytes(int length) throws ImageDecodeException {
        if (length > maxBytes) {
            throw new ImageDecodeException(ImageDecodeException.Reason.TOO_LARGE,
                    "picture of " + length + " bytes exceeds the limit of " + maxBytes + " bytes");
        }
    }

    public void checkSize(long width, long height) throws ImageDecodeException {
        if (width <= 0 || height <= 0) {
            throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT,
                    "picture declares an invalid size " + width + "x" + height);
        }
        if (width > maxDimension || height > maxDimension || width * height > maxPixels) {
            throw new ImageDecodeException(ImageDecodeException.Reason.TOO_LARGE,
                    "picture declares " + width + "x" + height + " pixels, over the limit of " + maxDimension
                            + " a side and " + maxPixels + " in all");
        }
    }
}
