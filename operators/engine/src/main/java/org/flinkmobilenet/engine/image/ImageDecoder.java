package org.flinkmobilenet.engine.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.flinkmobilenet.engine.image.ImageDecodeException.Reason;

/**
 * Bytes to RGB pixels for JPEG (including CMYK/Adobe, through TwelveMonkeys; turned upright by its
 * EXIF orientation), PNG (grayscale, palette, 16-bit, alpha) and BMP, plus raw RGB24. The declared size is read from the header and
 * checked against {@link ImageLimits} before any pixel memory is allocated. Thread-safe.
 */
public final class ImageDecoder {

    static {
        ImageIO.setUseCache(false); // decode in memory, never through temporary files
    }

    private final ImageLimits limits;

    public ImageDecoder(ImageLimits limits) {
        this.limits = limits;
    }

    public ImageLimits limits() {
        return limits;
    }

    /**
     * Decodes an encoded picture. With a declared format the bytes must match it; without one the
     * format is recognised from the bytes.
     */
    public RgbImage decode(byte[] data, ImageFormat declared) throws ImageDecodeException {
        if (data == null || data.length == 0) {
            throw new ImageDecodeException(Reason.CORRUPT, "empty picture");
        }
        limits.checkBytes(data.length);
        if (declared == ImageFormat.RGB24) {
            throw new ImageDecodeException(Reason.UNSUPPORTED, "raw RGB24 needs a width and a height");
        }
        ImageFormat actual = ImageFormat.sniff(data);
        if (actual == null) {
            throw new ImageDecodeException(Reason.CORRUPT,
                    "bytes are not a JPEG, PNG or BMP picture" + (declared == null ? "" : " (declared " + declared.mimeType + ")"));
        }
        if (declared != null && declared != actual) {
            throw new ImageDecodeException(Reason.CORRUPT,
                    "declared " + declared.mimeType + " but the bytes are " + actual.mimeType);
        }
        RgbImage image = decodeEncoded(data, actual);
        return actual == ImageFormat.JPEG ? ExifOrientation.apply(image, ExifOrientation.of(data)) : image;
    }

    /** Raw 8-bit RGB, row-major: the length must be exactly width x height x 3. */
    public RgbImage decodeRaw(byte[] data, int width, int height) throws ImageDecodeException {
        if (data == null) {
            throw new ImageDecodeException(Reason.CORRUPT, "empty picture");
        }
        limits.checkBytes(data.length);
        limits.checkSize(width, height);
        long expected = (long) width * height * 3;
        if (data.length != expected) {
            throw new ImageDecodeException(Reason.CORRUPT, "raw RGB24 " + width + "x" + height + " needs "
                    + expected + " bytes, got " + data.length);
        }
        return new RgbImage(width, height, data);
    }

    private RgbImage decodeEncoded(byte[] data, ImageFormat format) throws ImageDecodeException {
        checkHeaderSize(data, format);
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(format.mimeType);
        if (!readers.hasNext()) {
            throw new ImageDecodeException(Reason.UNSUPPORTED, "no decoder for " + format.mimeType);
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            limits.checkSize(width, height);
            // Readers report damage they can paper over (a JPEG cut short is filled with grey) as
            // warnings; a frame like that would be classified wrongly, so it counts as corrupt.
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            ImageReadParam param = reader.getDefaultReadParam();
            BufferedImage image = reader.read(0, param);
            if (!warnings.isEmpty()) {
                throw new ImageDecodeException(Reason.CORRUPT, format.name() + " is damaged: " + warnings.get(0));
            }
            if (image.getWidth() != width || image.getHeight() != height) {
                throw new ImageDecodeException(Reason.CORRUPT, "decoded size differs from the declared size");
            }
            return toRgb(image);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports damaged input with IIOException, but also with runtime exceptions
            // (IndexOutOfBounds, IllegalArgument, NegativeArraySize ...) depending on the reader.
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ImageDecodeException(Reason.CORRUPT, format.name() + " does not decode: " + detail, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * PNG and BMP state their size at fixed places in the header: check it here, before any reader
     * runs, so a decompression bomb is refused by size whatever the reader would make of it. (JPEG
     * keeps its size in a frame marker; the reader's getWidth/getHeight read just that.)
     */
    private void checkHeaderSize(byte[] data, ImageFormat format) throws ImageDecodeException {
        ByteBuffer bb = ByteBuffer.wrap(data);
        if (format == ImageFormat.PNG) {
            if (data.length < 24 || bb.getInt(12) != 0x49484452) { // "IHDR"
                throw new ImageDecodeException(Reason.CORRUPT, "PNG has no IHDR header");
            }
            limits.checkSize(bb.getInt(16) & 0xffffffffL, bb.getInt(20) & 0xffffffffL);
        } else if (format == ImageFormat.BMP) {
            if (data.length < 26) {
                throw new ImageDecodeException(Reason.CORRUPT, "BMP header is truncated");
            }
            bb.order(ByteOrder.LITTLE_ENDIAN);
            int headerSize = bb.getInt(14);
            long width, height;
            if (headerSize == 12) { // OS/2 BITMAPCOREHEADER: 16-bit sizes
                width = bb.getShort(18) & 0xffff;
                height = bb.getShort(20) & 0xffff;
            } else {
                width = bb.getInt(18);
                height = Math.abs((long) bb.getInt(22)); // negative height: rows stored top-down
            }
            limits.checkSize(width, height);
        }
    }

    /** Converts any decoded image to interleaved RGB, with fast paths for the common layouts. */
    static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        byte[] rgb = new byte[w * h * 3];
        Raster raster = image.getRaster();
        boolean whole = raster.getParent() == null && raster.getMinX() == 0 && raster.getMinY() == 0;
        if (whole && image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] bgr = ((DataBufferByte) raster.getDataBuffer()).getData();
            if (bgr.length == rgb.length) {
                for (int i = 0; i < rgb.length; i += 3) {
                    rgb[i] = bgr[i + 2];
                    rgb[i + 1] = bgr[i + 1];
                    rgb[i + 2] = bgr[i];
                }
                return new RgbImage(w, h, rgb);
            }
        }
        if (whole && (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_INT_ARGB)) {
            int[] px = ((DataBufferInt) raster.getDataBuffer()).getData();
            if (px.length == w * h) {
                for (int i = 0, o = 0; i < px.length; i++, o += 3) {
                    rgb[o] = (byte) (px[i] >> 16);
                    rgb[o + 1] = (byte) (px[i] >> 8);
                    rgb[o + 2] = (byte) px[i];
                }
                return new RgbImage(w, h, rgb);
            }
        }
        if (whole && image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] gray = ((DataBufferByte) raster.getDataBuffer()).getData();
            if (gray.length == w * h) {
                for (int i = 0, o = 0; i < gray.length; i++, o += 3) {
                    rgb[o] = rgb[o + 1] = rgb[o + 2] = gray[i];
                }
                return new RgbImage(w, h, rgb);
            }
        }
        // Everything else (palette, 16-bit, custom colour spaces): the colour model converts to sRGB.
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                int p = row[x];
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
