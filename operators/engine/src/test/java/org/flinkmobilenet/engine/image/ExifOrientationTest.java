package org.flinkmobilenet.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import javax.imageio.ImageIO;
import org.flinkmobilenet.engine.Classifier;
import org.flinkmobilenet.engine.Models;
import org.flinkmobilenet.engine.Prediction;
import org.flinkmobilenet.engine.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExifOrientationTest {

    private static final int RED = 0xff0000, GREEN = 0x00ff00, BLUE = 0x0000ff, WHITE = 0xffffff;

    /** A JPEG with an APP1 Exif segment holding only the orientation, inserted after SOI. */
    static byte[] withOrientation(byte[] jpeg, int orientation, ByteOrder order) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4).order(order);
        tiff.put(order == ByteOrder.LITTLE_ENDIAN ? new byte[] {'I', 'I'} : new byte[] {'M', 'M'});
        tiff.putShort((short) 42).putInt(8);                              // header, IFD0 at offset 8
        tiff.putShort((short) 1);                                          // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1);       // Orientation, SHORT, count 1
        tiff.putShort((short) orientation).putShort((short) 0);            // value, padded
        tiff.putInt(0);                                                    // no next IFD
        byte[] t = tiff.array();
        ByteBuffer app1 = ByteBuffer.allocate(4 + 6 + t.length).order(ByteOrder.BIG_ENDIAN);
        app1.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + 6 + t.length));
        app1.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(t);
        byte[] out = new byte[jpeg.length + app1.capacity()];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(app1.array(), 0, out, 2, app1.capacity());
        System.arraycopy(jpeg, 2, out, 2 + app1.capacity(), jpeg.length - 2);
        return out;
    }

    private static byte[] jpeg(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    /** 64x32 in quadrants: red top-left, green top-right, blue bottom-left, white bottom-right. */
    private static BufferedImage quadrants() {
        BufferedImage img = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, y < 16 ? (x < 32 ? RED : GREEN) : (x < 32 ? BLUE : WHITE));
            }
        }
        return img;
    }

    private static int colourAt(RgbImage img, int x, int y) {
        int o = (y * img.width() + x) * 3;
        int[] c = {img.rgb()[o] & 0xff, img.rgb()[o + 1] & 0xff, img.rgb()[o + 2] & 0xff};
        int best = -1, bestDistance = Integer.MAX_VALUE;
        for (int ref : new int[] {RED, GREEN, BLUE, WHITE}) {
            int d = Math.abs(c[0] - (ref >> 16 & 0xff)) + Math.abs(c[1] - (ref >> 8 & 0xff)) + Math.abs(c[2] - (ref & 0xff));
            if (d < bestDistance) {
                bestDistance = d;
                best = ref;
            }
        }
        return best;
    }

    /** Corners of the upright picture, as the EXIF specification defines each orientation. */
    @ParameterizedTest(name = "orientation {0}")
    @CsvSource({
        "1, RED, GREEN, BLUE, WHITE",
        "2, GREEN, RED, WHITE, BLUE",
        "3, WHITE, BLUE, GREEN, RED",
        "4, BLUE, WHITE, RED, GREEN",
        "5, RED, BLUE, GREEN, WHITE",
        "6, BLUE, RED, WHITE, GREEN",
        "7, WHITE, GREEN, BLUE, RED",
        "8, GREEN, WHITE, RED, BLUE",
    })
    void cornersLandWhereTheOrientationSays(int orientation, String tl, String tr, String bl, String br) throws Exception {
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            byte[] data = withOrientation(jpeg(quadrants()), orientation, order);
            assertEquals(orientation, ExifOrientation.of(data));
            RgbImage img = new ImageDecoder(ImageLimits.DEFAULT).decode(data, ImageFormat.JPEG);
            boolean swapped = orientation >= 5;
            assertEquals(swapped ? 32 : 64, img.width());
            assertEquals(swapped ? 64 : 32, img.height());
            int w = img.width() - 4, h = img.height() - 4;
            String where = "orientation " + orientation + " " + order;
            assertEquals(colour(tl), colourAt(img, 3, 3), where + " top-left");
            assertEquals(colour(tr), colourAt(img, w, 3), where + " top-right");
            assertEquals(colour(bl), colourAt(img, 3, h), where + " bottom-left");
            assertEquals(colour(br), colourAt(img, w, h), where + " bottom-right");
        }
    }

    private static int colour(String name) {
        return switch (name) {
            case "RED" -> RED;
            case "GREEN" -> GREEN;
            case "BLUE" -> BLUE;
            default -> WHITE;
        };
    }

    @Test
    void aPhotoStoredUpsideDownIsClassifiedUpright() throws Exception {
        RgbImage parrot = TestData.photo("coral_parrot.jpg");
        RgbImage stored = ExifOrientation.apply(parrot, 3); // rotate 180 (its own inverse)
        BufferedImage b = new BufferedImage(stored.width(), stored.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < stored.height(); y++) {
            for (int x = 0; x < stored.width(); x++) {
                int o = (y * stored.width() + x) * 3;
                b.setRGB(x, y, (stored.rgb()[o] & 0xff) << 16 | (stored.rgb()[o + 1] & 0xff) << 8 | (stored.rgb()[o + 2] & 0xff));
            }
        }
        byte[] data = withOrientation(jpeg(b), 3, ByteOrder.BIG_ENDIAN);
        Classifier c = new Classifier(Models.load(TestData.model("mobilenet_v1/mobilenet_v1_0.25_224_1_default_1.tflite").toString(), null), 1, 1f);
        List<Prediction> upright = c.classify(new ImageDecoder(ImageLimits.DEFAULT).decode(data, ImageFormat.JPEG), 1);
        assertEquals(89, upright.get(0).index(), upright.toString());
    }

    @Test
    void damagedOrMissingExifMeansAsStored() throws Exception {
        byte[] plain = jpeg(quadrants());
        assertEquals(ExifOrientation.NORMAL, ExifOrientation.of(plain));
        byte[] data = withOrientation(plain, 6, ByteOrder.BIG_ENDIAN);
        byte[] bad = data.clone();
        bad[2 + 4 + 6 + 4] = 0x7f; // IFD offset far beyond the segment
        assertEquals(ExifOrientation.NORMAL, ExifOrientation.of(bad));
        byte[] nine = withOrientation(plain, 9, ByteOrder.BIG_ENDIAN);
        assertEquals(ExifOrientation.NORMAL, ExifOrientation.of(nine));
        for (int cut = 2; cut < 40; cut++) {
            ExifOrientation.of(java.util.Arrays.copyOf(data, cut)); // never throws on a cut header
        }
        assertTrue(ExifOrientation.of(data) == 6);
    }
}
