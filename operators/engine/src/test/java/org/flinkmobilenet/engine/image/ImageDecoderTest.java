package org.flinkmobilenet.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.flinkmobilenet.engine.TestData;
import org.flinkmobilenet.engine.image.ImageDecodeException.Reason;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

    private static byte[] encode(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), "no " + format + " writer for " + image);
        return out.toByteArray();
    }

    private static int[] rgbAt(RgbImage img, int x, int y) {
        int o = (y * img.width() + x) * 3;
        return new int[] {img.rgb()[o] & 0xff, img.rgb()[o + 1] & 0xff, img.rgb()[o + 2] & 0xff};
    }

    private ImageDecodeException refused(byte[] data, ImageFormat declared, Reason reason) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(data, declared));
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    @Test
    void decodesTheShippedPhotosInEveryFormat() throws Exception {
        RgbImage bmp = decoder.decode(TestData.bytes(TestData.image("coral_cat.bmp")), ImageFormat.BMP);
        RgbImage jpeg = decoder.decode(TestData.bytes(TestData.image("tflite-support_burger.jpg")), ImageFormat.JPEG);
        RgbImage png = decoder.decode(TestData.bytes(TestData.image("tflite-support_burger-224.png")), ImageFormat.PNG);
        assertTrue(bmp.width() > 100 && bmp.height() > 100);
        assertTrue(jpeg.width() > 100 && jpeg.height() > 100);
        assertEquals(224, png.width());
        assertEquals(224, png.height());
    }

    @Test
    void bmpPixelsAreRgbNotBgr() throws Exception {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff0000);
        img.setRGB(1, 0, 0x0000ff);
        RgbImage decoded = decoder.decode(encode(img, "bmp"), ImageFormat.BMP);
        assertEquals(Arrays.toString(new int[] {255, 0, 0}), Arrays.toString(rgbAt(decoded, 0, 0)));
        assertEquals(Arrays.toString(new int[] {0, 0, 255}), Arrays.toString(rgbAt(decoded, 1, 0)));
    }

    @Test
    void grayscalePaletteSixteenBitAndAlphaPngs() throws Exception {
        BufferedImage gray = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(1, 2, 0, 200);
        RgbImage g = decoder.decode(encode(gray, "png"), ImageFormat.PNG);
        int[] px = rgbAt(g, 1, 2);
        assertEquals(px[0], px[1]);
        assertEquals(px[1], px[2]);
        assertTrue(px[0] > 150, Arrays.toString(px));

        byte[] r = {0, (byte) 255}, gr = {0, (byte) 128}, b = {0, 64};
        BufferedImage palette = new BufferedImage(3, 3, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, gr, b));
        palette.getRaster().setSample(2, 1, 0, 1);
        RgbImage p = decoder.decode(encode(palette, "png"), ImageFormat.PNG);
        assertEquals(Arrays.toString(new int[] {255, 128, 64}), Arrays.toString(rgbAt(p, 2, 1)));
        assertEquals(Arrays.toString(new int[] {0, 0, 0}), Arrays.toString(rgbAt(p, 0, 0)));

        ComponentColorModel cm16 = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster16 = cm16.createCompatibleWritableRaster(5, 3);
        raster16.setPixel(4, 2, new int[] {65535, 32896, 0});
        RgbImage s = decoder.decode(encode(new BufferedImage(cm16, raster16, false, null), "png"), ImageFormat.PNG);
        assertEquals(Arrays.toString(new int[] {255, 128, 0}), Arrays.toString(rgbAt(s, 4, 2)));

        BufferedImage alpha = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        alpha.setRGB(1, 1, 0x80_10_20_30);
        RgbImage a = decoder.decode(encode(alpha, "png"), ImageFormat.PNG);
        assertEquals(Arrays.toString(new int[] {0x10, 0x20, 0x30}), Arrays.toString(rgbAt(a, 1, 1)));
    }

    @Test
    void cmykJpegDecodes() throws Exception {
        // A 4-channel JPEG as print workflows write it (Adobe marker): the JDK's own reader refuses these.
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                cmyk.setPixel(x, y, new int[] {x < 8 ? 255 : 0, 0, 0, 0});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
        }
        RgbImage decoded = decoder.decode(bytes.toByteArray(), ImageFormat.JPEG);
        assertEquals(16, decoded.width());
        int[] left = rgbAt(decoded, 2, 8), right = rgbAt(decoded, 13, 8);
        // the two halves differ only in cyan, so they must decode to two clearly different colours
        int difference = 0;
        for (int c = 0; c < 3; c++) {
            difference = Math.max(difference, Math.abs(left[c] - right[c]));
        }
        assertTrue(difference > 60, Arrays.toString(left) + " vs " + Arrays.toString(right));
        assertTrue(ImageIO.getImageReadersByMIMEType("image/jpeg").next().getClass().getName().contains("twelvemonkeys"),
                "TwelveMonkeys' JPEG reader must come first");
    }

    @Test
    void rawRgb() throws Exception {
        RgbImage raw = decoder.decodeRaw(TestData.bytes(TestData.image("coral_bird.rgb")), 224, 224);
        assertEquals(224, raw.width());
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> decoder.decodeRaw(new byte[100], 10, 10));
        assertEquals(Reason.CORRUPT, e.reason());
        assertEquals("raw RGB24 10x10 needs 300 bytes, got 100", e.getMessage());
        assertEquals(Reason.TOO_LARGE, assertThrows(ImageDecodeException.class,
                () -> decoder.decodeRaw(new byte[300], 100_000, 1)).reason());
    }

    /** A PNG whose header declares the given size, followed by a few bytes of nothing. */
    private static byte[] pngDeclaring(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).order(ByteOrder.BIG_ENDIAN);
        ihdr.put("IHDR".getBytes()).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4 + 12).order(ByteOrder.BIG_ENDIAN);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        png.putInt(0).put("IDAT".getBytes()).putInt(0);
        return png.array();
    }

    @Test
    void decompressionBombIsRefusedFromItsHeader() {
        ImageDecodeException e = refused(pngDeclaring(60000, 60000), ImageFormat.PNG, Reason.TOO_LARGE);
        assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
        ByteBuffer bmp = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
        bmp.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54).putInt(40).putInt(50000).putInt(50000)
                .putShort((short) 1).putShort((short) 24).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0);
        refused(bmp.array(), ImageFormat.BMP, Reason.TOO_LARGE);
    }

    @Test
    void zeroHeightBmpIsCorrupt() {
        ByteBuffer bmp = ByteBuffer.allocate(60).order(ByteOrder.LITTLE_ENDIAN);
        bmp.put((byte) 'B').put((byte) 'M').putInt(60).putInt(0).putInt(54).putInt(40).putInt(2).putInt(0)
                .putShort((short) 1).putShort((short) 24).putInt(0).putInt(6).putInt(0).putInt(0).putInt(0).putInt(0);
        refused(bmp.array(), ImageFormat.BMP, Reason.CORRUPT);
    }

    @Test
    void damagedPicturesAreCorrupt() {
        byte[] jpeg = TestData.bytes(TestData.image("tflite-support_burger.jpg"));
        ImageDecodeException truncated = refused(Arrays.copyOf(jpeg, jpeg.length / 2), ImageFormat.JPEG, Reason.CORRUPT);
        assertTrue(truncated.getMessage().startsWith("JPEG"), truncated.getMessage());
        byte[] junk = new byte[5000];
        new java.util.Random(3).nextBytes(junk);
        junk[0] = (byte) 0xFF;
        junk[1] = (byte) 0xD8;
        junk[2] = (byte) 0xFF;
        refused(junk, ImageFormat.JPEG, Reason.CORRUPT);
        byte[] png = TestData.bytes(TestData.image("tflite-support_burger-224.png"));
        refused(Arrays.copyOf(png, png.length / 3), ImageFormat.PNG, Reason.CORRUPT);
        byte[] fakePng = Arrays.copyOf(pngDeclaring(10, 10), 40);
        refused(fakePng, ImageFormat.PNG, Reason.CORRUPT);
    }

    @Test
    void emptyUnknownAndMislabelledBytes() {
        assertEquals("empty picture", refused(new byte[0], null, Reason.CORRUPT).getMessage());
        refused("hello, world".getBytes(), null, Reason.CORRUPT);
        byte[] jpeg = TestData.bytes(TestData.image("tflite-support_burger.jpg"));
        ImageDecodeException e = refused(jpeg, ImageFormat.PNG, Reason.CORRUPT);
        assertEquals("declared image/png but the bytes are image/jpeg", e.getMessage());
    }

    @Test
    void tooManyBytesAreRefusedBeforeDecoding() {
        ImageDecoder small = new ImageDecoder(new ImageLimits(1000, 100, 10_000));
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> small.decode(TestData.bytes(TestData.image("tflite-support_burger.jpg")), null));
        assertEquals(Reason.TOO_LARGE, e.reason());
    }

    @Test
    void mimeTypes() {
        assertEquals(ImageFormat.JPEG, ImageFormat.ofMimeType("image/jpeg"));
        assertEquals(ImageFormat.JPEG, ImageFormat.ofMimeType("IMAGE/JPG; q=1"));
        assertEquals(ImageFormat.RGB24, ImageFormat.ofMimeType("application/x-rgb24"));
        assertEquals(null, ImageFormat.ofMimeType("image/gif"));
    }
}
