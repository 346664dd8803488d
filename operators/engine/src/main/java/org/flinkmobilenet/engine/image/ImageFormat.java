package org.flinkmobilenet.engine.image;

import java.util.Locale;

/** The picture encodings a frame may carry, with their MIME types. */
public enum ImageFormat {
    JPEG("image/jpeg"),
    PNG("image/png"),
    BMP("image/bmp"),
    /** Raw 8-bit RGB, row-major, no header; width and height travel separately. */
    RGB24("application/x-rgb24");

    public final String mimeType;

    ImageFormat(String mimeType) {
        this.mimeType = mimeType;
    }

    /** The format of a MIME type (parameters such as "; charset" ignored), or null if unknown. */
    public static ImageFormat ofMimeType(String contentType) {
        if (contentType == null) {
            return null;
        }
        String base = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        for (ImageFormat f : values()) {
            if (f.mimeType.equals(base)) {
                return f;
            }
        }
        return switch (base) {
            case "image/jpg", "image/pjpeg" -> JPEG;
            case "image/x-bmp", "image/x-ms-bmp" -> BMP;
            default -> null;
        };
    }

    /** The encoded format recognised from the first bytes, or null (raw RGB has no signature). */
    public static ImageFormat sniff(byte[] data) {
        if (data.length >= 3 && (data[0] & 0xff) == 0xFF && (data[1] & 0xff) == 0xD8 && (data[2] & 0xff) == 0xFF) {
            return JPEG;
        }
        if (data.length >= 8 && (data[0] & 0xff) == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G'
                && data[4] == 0x0D && data[5] == 0x0A && data[6] == 0x1A && data[7] == 0x0A) {
            return PNG;
        }
        if (data.length >= 2 && data[0] == 'B' && data[1] == 'M') {
            return BMP;
        }
        return null;
    }

    /** Guess from a file name's extension, or null. */
    public static ImageFormat ofFileName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return JPEG;
        }
        if (n.endsWith(".png")) {
            return PNG;
        }
        if (n.endsWith(".bmp")) {
            return BMP;
        }
        if (n.endsWith(".rgb") || n.endsWith(".rgb24")) {
            return RGB24;
        }
        return null;
    }
}
