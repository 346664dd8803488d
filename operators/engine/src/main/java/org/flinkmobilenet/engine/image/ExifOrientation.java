package org.flinkmobilenet.engine.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 in IFD0 of the APP1 "Exif" segment), and the transform
 * that makes the decoded pixels upright. Cameras and phones often store the sensor's pixels as they
 * came and only record how to turn them; a network fed a picture lying on its side sees a different
 * picture. Every offset read is checked against the segment, so a damaged header means "no
 * orientation", never an exception.
 */
public final class ExifOrientation {

    /** 1: as stored. */
    public static final int NORMAL = 1;

    private ExifOrientation() {}

    /** The orientation (1-8) a JPEG declares, or {@link #NORMAL} when it declares none or a bad one. */
    public static int of(byte[] jpeg) {
        ByteBuffer bb = ByteBuffer.wrap(jpeg).order(ByteOrder.BIG_ENDIAN);
        int p = 2; // after SOI
        while (p + 4 <= jpeg.length && (jpeg[p] & 0xff) == 0xFF) {
            int marker = jpeg[p + 1] & 0xff;
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                p += 2; // markers without a length
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                break; // start of scan or end of image: no more metadata
            }
            int length = bb.getShort(p + 2) & 0xffff;
            if (length < 2 || p + 2 + length > jpeg.length) {
                break;
            }
            if (marker == 0xE1 && length >= 8 && jpeg[p + 4] == 'E' && jpeg[p + 5] == 'x' && jpeg[p + 6] == 'i'
                    && jpeg[p + 7] == 'f' && jpeg[p + 8] == 0 && jpeg[p + 9] == 0) {
                return fromTiff(jpeg, p + 10, p + 2 + length);
            }
            p += 2 + length;
        }
        return NORMAL;
    }

    private static int fromTiff(byte[] data, int tiff, int end) {
        if (tiff + 8 > end) {
            return NORMAL;
        }
        ByteOrder order;
        if (data[tiff] == 'I' && data[tiff + 1] == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (data[tiff] == 'M' && data[tiff + 1] == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            return NORMAL;
        }
        ByteBuffer bb = ByteBuffer.wrap(data).order(order);
        long ifd = tiff + (bb.getInt(tiff + 4) & 0xffffffffL);
        if (ifd < tiff + 8 || ifd + 2 > end) {
            return NORMAL;
        }
        int entries = bb.getShort((int) ifd) & 0xffff;
        for (int i = 0; i < entries; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > end) {
                return NORMAL;
            }
            int tag = bb.getShort((int) entry) & 0xffff;
            int type = bb.getShort((int) entry + 2) & 0xffff;
            if (tag == 0x0112 && type == 3) { // SHORT
                int value = bb.getShort((int) entry + 8) & 0xffff;
                return value >= 1 && value <= 8 ? value : NORMAL;
            }
        }
        return NORMAL;
    }

    /** The pixels turned upright for an orientation of 1-8 (2-8 make a new image). */
    public static RgbImage apply(RgbImage image, int orientation) {
        if (orientation <= NORMAL || orientation > 8) {
            return image;
        }
        int w = image.width(), h = image.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w, oh = swap ? w : h;
        byte[] src = image.rgb(), dst = new byte[src.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // (x, y) in the upright picture comes from (sx, sy) in the stored one
                int sx, sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }          // mirrored
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }  // rotated 180
                    case 4 -> { sx = x; sy = h - 1 - y; }          // flipped vertically
                    case 5 -> { sx = y; sy = x; }                  // transposed
                    case 6 -> { sx = y; sy = h - 1 - x; }          // stored 90 counter-clockwise: turn clockwise
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }  // transversed
                    default -> { sx = w - 1 - y; sy = x; }         // 8: stored 90 clockwise: turn back
                }
                int d = (y * ow + x) * 3, s = (sy * w + sx) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(ow, oh, dst);
    }
}
