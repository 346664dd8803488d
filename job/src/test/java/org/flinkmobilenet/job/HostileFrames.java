package org.flinkmobilenet.job;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.flinkmobilenet.operators.FrameCodec;

/**
 * Hostile camera traffic: frames of every kind a broken or malicious camera can send, mixed into good
 * ones, each with the outcome the job must reach (a label, or a dead letter with a given reason). The
 * sequence is a function of the seed alone.
 *
 * <p>Every frame carries two headers the job ignores, {@value #ID} (unique) and {@value #KIND}, so a dead
 * letter can be matched to what was sent whatever its other headers say. A frame that must be labelled
 * is matched by its camera id and frame number, which are unique across the run.
 *
 * <p>Used by {@code HostileFramesTest} (each kind against the codec, decoder and engine directly),
 * {@code HostileFramesITCase} (thousands through the running job) and, through {@link #main},
 * {@code deploy/reliability/hostile.sh} (into any broker).
 */
final class HostileFrames {

    static final String ID = "hostile-id";
    static final String KIND = "hostile-kind";

    /** A reason code of the dead-letter topic, or {@link #LABEL} for a frame that must be classified. */
    static final String LABEL = "label";

    /** What a kind of frame is and what must become of it. */
    enum Kind {
        // Unusual but valid: each must be labelled.
        JPEG(LABEL, "a photo as a camera sends it"),
        PNG(LABEL, "the same pixels as PNG"),
        BMP_BOTTOM_UP(LABEL, "24-bit BMP, rows bottom-up (positive height)"),
        BMP_TOP_DOWN(LABEL, "24-bit BMP, rows top-down (negative height, the standard alternative)"),
        RAW_RGB24(LABEL, "raw RGB24 with width and height headers"),
        PNG_GRAYSCALE(LABEL, "8-bit grayscale PNG"),
        PNG_PALETTE(LABEL, "8-bit palette PNG"),
        PNG_16_BIT(LABEL, "16 bits a channel PNG"),
        PNG_ALPHA(LABEL, "RGBA PNG"),
        JPEG_CMYK(LABEL, "4-channel (CMYK) JPEG"),
        JPEG_EXIF_ROTATED(LABEL, "pixels stored on their side, EXIF orientation 6 turns them upright"),
        JPEG_EXIF_DAMAGED(LABEL, "EXIF segment whose IFD offset points outside it (orientation ignored)"),
        SNIFFED(LABEL, "no content-type: the format is recognised from the bytes"),
        CONTENT_TYPE_WITH_PARAMETERS(LABEL, "content-type 'IMAGE/JPEG; q=0.9'"),
        KEY_ONLY(LABEL, "no camera-id header: the record key names the camera"),
        NO_CAPTURE_TS(LABEL, "no capture-ts header: the record timestamp is used"),
        REPEATED_HEADER_LAST_GOOD(LABEL, "frame-seq twice, unreadable then readable: the last one counts"),
        // Bad: each must be a dead letter with its reason.
        EMPTY_VALUE("corrupt", "a value of 0 bytes"),
        NULL_VALUE("corrupt", "no value at all (a tombstone)"),
        TRUNCATED_JPEG("corrupt", "a JPEG cut short at a random point"),
        JPEG_SIGNATURE_NOISE("corrupt", "FF D8 FF then random bytes"),
        PNG_SIGNATURE_NOISE("corrupt", "the PNG signature then random bytes"),
        PNG_NOISE_AFTER_HEADER("corrupt", "a valid 64x64 PNG header, then random image data"),
        PNG_HUGE("too-large", "a PNG declaring 60000x60000 pixels (decompression bomb)"),
        PNG_MANY_PIXELS("too-large", "a PNG declaring 16000x16000: each side allowed, the product not"),
        BMP_HUGE("too-large", "a BMP declaring 50000x50000 pixels"),
        BMP_ZERO_HEIGHT("corrupt", "a BMP of height 0"),
        BMP_HEIGHT_MIN_INT("too-large", "a BMP of height -2^31 (top-down, absurd)"),
        BMP_TOP_DOWN_TRUNCATED("corrupt", "a top-down BMP whose pixel rows stop half way"),
        BMP_HEADER_TRUNCATED("corrupt", "'BM' and a few bytes"),
        RAW_WRONG_LENGTH("corrupt", "raw RGB24 whose length is not width x height x 3"),
        RAW_HUGE("too-large", "raw RGB24 declaring 100000x100000 in its headers"),
        RAW_NEGATIVE_WIDTH("bad-header", "raw RGB24 with width -224"),
        RAW_WITHOUT_HEIGHT("missing-header", "raw RGB24 without a height header"),
        NO_CAMERA_ID("missing-header", "neither camera-id header nor key"),
        REPEATED_HEADER_LAST_BAD("bad-header", "frame-seq twice, readable then unreadable: the last one counts"),
        GARBLED_CAPTURE_TS("bad-header", "capture-ts of bytes that are not UTF-8 digits"),
        GARBLED_CONTENT_TYPE("unsupported-format", "content-type of random bytes"),
        NON_NUMERIC_FRAME_SEQ("bad-header", "frame-seq 'seven'"),
        FRAME_SEQ_OVERFLOW("bad-header", "frame-seq beyond a long"),
        NEGATIVE_CAPTURE_TS("bad-header", "capture-ts -5"),
        OVER_MAX_FRAME_SIZE("too-large", "one byte or more over the job's maximum frame size"),
        UNKNOWN_CONTENT_TYPE("unsupported-format", "a GIF, declared image/gif"),
        MISLABELLED("corrupt", "PNG bytes declared image/jpeg"),
        JAVA_SERIALIZED("corrupt", "a serialized Java object (never deserialized)"),
        TEXT("corrupt", "an HTTP request instead of a picture"),
        STALE("stale", "captured an hour before the job's age limit");

        final String outcome;
        final String description;

        Kind(String outcome, String description) {
            this.outcome = outcome;
            this.description = description;
        }

        boolean good() {
            return outcome.equals(LABEL);
        }
    }

    /**
     * One frame to send. {@code camera} and {@code seq} are what a label for it must say;
     * {@code expectedClass} is the flagship's top-1 class for it, or -1 when the picture is changed
     * too much (grey, 256 colours, CMYK) to know.
     */
    record Hostile(String id, Kind kind, String camera, long seq, int expectedClass, ProducerRecord<byte[], byte[]> record) {
        String outcome() {
            return kind.outcome;
        }

        /** The label id a consumer sees ({@code camera#seq}) */
        String labelId() {
            return camera + "#" + seq;
        }
    }

    /**
     * @param maxFrameBytes the job's {@code --max-image-bytes}; {@link Kind#OVER_MAX_FRAME_SIZE} is only made
     *                      when a frame one byte larger still fits in a Kafka record (1 MiB by default)
     * @param maxFrameAgeMs the job's {@code --max-frame-age-ms}; {@link Kind#STALE} is only made when it is on
     * @param badFraction   share of bad frames, in [0, 1]
     */
    record Settings(String topic, List<String> cameras, int maxFrameBytes, long maxFrameAgeMs, double badFraction) {}

    /** The largest value a test makes: Kafka's default record limit (1 MiB) less room for headers. */
    static final int KAFKA_VALUE_ROOM = 1_000_000;
    /** Longest side of the photos the frames are made from. */
    static final int SIDE = 256;

    private static final Map<String, Integer> PHOTOS = Map.of(
            "coral_parrot.jpg", 89, "tflite-support_burger.jpg", 934, "coral_cat.bmp", 286);

    private final Settings settings;
    private final Random random;
    private final List<Kind> goodKinds = new ArrayList<>();
    private final List<Kind> badKinds = new ArrayList<>();
    private final List<Photo> photos = new ArrayList<>();
    private final Map<String, Long> nextSeq = new HashMap<>();
    private final byte[] gif;
    private final byte[] serialized;
    private long count;
    private String idPrefix = "h-";

    /** A photo in every encoding the good kinds need, made once. */
    private record Photo(String name, int expectedClass, Map<Kind, byte[]> bytes, int width, int height) {}

    HostileFrames(long seed, Settings settings) {
        this.settings = settings;
        this.random = new Random(seed);
        for (Kind k : Kind.values()) {
            if (k == Kind.OVER_MAX_FRAME_SIZE && settings.maxFrameBytes() >= KAFKA_VALUE_ROOM) {
                continue;
            }
            if (k == Kind.STALE && settings.maxFrameAgeMs() <= 0) {
                continue;
            }
            (k.good() ? goodKinds : badKinds).add(k);
        }
        try {
            for (Map.Entry<String, Integer> p : PHOTOS.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                photos.add(photo(p.getKey(), p.getValue()));
            }
            gif = encode(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED), "gif");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(new ArrayList<>(List.of("not", "a", "picture")));
            }
            serialized = bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ids start with {@code prefix} (default "h-"), so several runs can share topics. */
    HostileFrames withIdPrefix(String prefix) {
        this.idPrefix = prefix;
        return this;
    }

    List<Kind> kinds() {
        List<Kind> all = new ArrayList<>(goodKinds);
        all.addAll(badKinds);
        return all;
    }

    /** The next frame: bad with probability {@code badFraction}, its kind uniform among the kinds made. */
    Hostile next() {
        List<Kind> from = random.nextDouble() < settings.badFraction() ? badKinds : goodKinds;
        return make(from.get(random.nextInt(from.size())));
    }

    /** A frame of the given kind (the cameras, photo and random parts still come from the seed). */
    Hostile make(Kind kind) {
        String camera = settings.cameras().get(random.nextInt(settings.cameras().size()));
        long seq = nextSeq.merge(camera, 1L, Long::sum) - 1;
        String id = idPrefix + count++;
        Photo photo = photos.get(random.nextInt(photos.size()));
        long now = System.currentTimeMillis();
        Frame f = new Frame(camera, seq, now);
        int expected = photo.expectedClass();
        switch (kind) {
            case JPEG, PNG, BMP_BOTTOM_UP, BMP_TOP_DOWN, PNG_16_BIT, PNG_ALPHA, JPEG_EXIF_ROTATED, JPEG_EXIF_DAMAGED -> {
                f.value = photo.bytes().get(kind);
                f.contentType(contentType(kind));
            }
            case PNG_GRAYSCALE, PNG_PALETTE, JPEG_CMYK -> {
                f.value = photo.bytes().get(kind);
                f.contentType(contentType(kind));
                expected = -1;
            }
            case RAW_RGB24 -> {
                f.value = photo.bytes().get(kind);
                f.raw(photo.width(), photo.height());
            }
            case SNIFFED -> f.value = photo.bytes().get(Kind.PNG);
            case CONTENT_TYPE_WITH_PARAMETERS -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("IMAGE/JPEG; q=0.9");
            }
            case KEY_ONLY -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("image/jpeg");
                f.drop(FrameCodec.CAMERA_ID);
            }
            case NO_CAPTURE_TS -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("image/jpeg");
                f.drop(FrameCodec.CAPTURE_TS);
            }
            case REPEATED_HEADER_LAST_GOOD -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("image/jpeg");
                f.drop(FrameCodec.FRAME_SEQ);
                f.header(FrameCodec.FRAME_SEQ, "#" + seq);
                f.header(FrameCodec.FRAME_SEQ, Long.toString(seq));
            }
            case EMPTY_VALUE -> {
                f.value = new byte[0];
                f.contentType("image/jpeg");
            }
            case NULL_VALUE -> {
                f.value = null;
                f.contentType("image/jpeg");
            }
            case TRUNCATED_JPEG -> {
                byte[] jpeg = photo.bytes().get(Kind.JPEG);
                int cut = (int) (jpeg.length * (0.1 + 0.85 * random.nextDouble()));
                f.value = Arrays.copyOf(jpeg, cut);
                f.contentType("image/jpeg");
            }
            case JPEG_SIGNATURE_NOISE -> {
                // No 0xFF after the signature: no marker, so no random frame header declaring a random size.
                byte[] noise = noise(200 + random.nextInt(20_000));
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = (byte) Math.min(noise[i] & 0xff, 0xFE);
                }
                noise[0] = (byte) 0xFF;
                noise[1] = (byte) 0xD8;
                noise[2] = (byte) 0xFF;
                f.value = noise;
                f.contentType("image/jpeg");
            }
            case PNG_SIGNATURE_NOISE -> {
                byte[] noise = noise(8 + random.nextInt(20_000));
                System.arraycopy(PNG_SIGNATURE, 0, noise, 0, 8);
                noise[12] = 'J'; // never an IHDR by chance
                f.value = noise;
                f.contentType("image/png");
            }
            case PNG_NOISE_AFTER_HEADER -> {
                f.value = png(64, 64, noise(100 + random.nextInt(10_000)));
                f.contentType("image/png");
            }
            case PNG_HUGE -> {
                f.value = png(60_000, 60_000, deflate(new byte[4096]));
                f.contentType("image/png");
            }
            case PNG_MANY_PIXELS -> {
                f.value = png(16_000, 16_000, deflate(new byte[4096]));
                f.contentType("image/png");
            }
            case BMP_HUGE -> {
                f.value = bmp(50_000, 50_000, 0);
                f.contentType("image/bmp");
            }
            case BMP_ZERO_HEIGHT -> {
                f.value = bmp(2, 0, 6);
                f.contentType("image/bmp");
            }
            case BMP_HEIGHT_MIN_INT -> {
                f.value = bmp(2, Integer.MIN_VALUE, 8);
                f.contentType("image/bmp");
            }
            case BMP_TOP_DOWN_TRUNCATED -> {
                byte[] full = photo.bytes().get(Kind.BMP_TOP_DOWN);
                f.value = Arrays.copyOf(full, 54 + (full.length - 54) / 2);
                f.contentType("image/bmp");
            }
            case BMP_HEADER_TRUNCATED -> {
                f.value = new byte[] {'B', 'M', 1, 2, 3, 4, 5, 6, 7, 8};
                f.contentType("image/bmp");
            }
            case RAW_WRONG_LENGTH -> {
                byte[] raw = photo.bytes().get(Kind.RAW_RGB24);
                f.value = Arrays.copyOf(raw, raw.length + (random.nextBoolean() ? -1 - random.nextInt(raw.length - 1) : 1 + random.nextInt(1000)));
                f.raw(photo.width(), photo.height());
            }
            case RAW_HUGE -> {
                f.value = noise(3000);
                f.raw(100_000, 100_000);
            }
            case RAW_NEGATIVE_WIDTH -> {
                f.value = noise(3000);
                f.raw(-224, 224);
            }
            case RAW_WITHOUT_HEIGHT -> {
                f.value = photo.bytes().get(Kind.RAW_RGB24);
                f.raw(photo.width(), photo.height());
                f.drop(FrameCodec.HEIGHT);
            }
            case NO_CAMERA_ID -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("image/jpeg");
                f.drop(FrameCodec.CAMERA_ID);
                f.key = null;
            }
            case REPEATED_HEADER_LAST_BAD -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("image/jpeg");
                f.header(FrameCodec.FRAME_SEQ, "x" + seq);
            }
            case GARBLED_CAPTURE_TS -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("image/jpeg");
                f.drop(FrameCodec.CAPTURE_TS);
                f.header(FrameCodec.CAPTURE_TS, new byte[] {(byte) 0xC3, '1', (byte) 0xFF, (byte) 0xFE, '7'});
            }
            case GARBLED_CONTENT_TYPE -> {
                f.value = photo.bytes().get(Kind.JPEG);
                byte[] garbage = noise(1 + random.nextInt(40));
                garbage[0] = (byte) 0x80; // never empty or blank once decoded
                f.header(FrameCodec.CONTENT_TYPE, garbage);
            }
            case NON_NUMERIC_FRAME_SEQ -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("image/jpeg");
                f.drop(FrameCodec.FRAME_SEQ);
                f.header(FrameCodec.FRAME_SEQ, "seven");
            }
            case FRAME_SEQ_OVERFLOW -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("image/jpeg");
                f.drop(FrameCodec.FRAME_SEQ);
                f.header(FrameCodec.FRAME_SEQ, "99999999999999999999999");
            }
            case NEGATIVE_CAPTURE_TS -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("image/jpeg");
                f.drop(FrameCodec.CAPTURE_TS);
                f.header(FrameCodec.CAPTURE_TS, "-5");
            }
            case OVER_MAX_FRAME_SIZE -> {
                byte[] jpeg = photo.bytes().get(Kind.JPEG);
                int size = settings.maxFrameBytes() + 1 + random.nextInt(Math.min(10_000, KAFKA_VALUE_ROOM - settings.maxFrameBytes()));
                f.value = Arrays.copyOf(jpeg, size); // a valid JPEG, then zeros: only its size is wrong
                f.contentType("image/jpeg");
            }
            case UNKNOWN_CONTENT_TYPE -> {
                f.value = gif;
                f.contentType("image/gif");
            }
            case MISLABELLED -> {
                f.value = photo.bytes().get(Kind.PNG);
                f.contentType("image/jpeg");
            }
            case JAVA_SERIALIZED -> f.value = serialized;
            case TEXT -> {
                f.value = "GET /admin HTTP/1.1\r\nHost: camera\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                f.contentType("image/jpeg");
            }
            case STALE -> {
                f.value = photo.bytes().get(Kind.JPEG);
                f.contentType("image/jpeg");
                f.drop(FrameCodec.CAPTURE_TS);
                f.header(FrameCodec.CAPTURE_TS, Long.toString(now - settings.maxFrameAgeMs() - 3_600_000));
            }
            default -> throw new IllegalStateException("no recipe for " + kind);
        }
        f.header(ID, id);
        f.header(KIND, kind.name());
        return new Hostile(id, kind, camera, seq, kind.good() ? expected : -1, f.record(settings.topic()));
    }

    private static String contentType(Kind kind) {
        return switch (kind) {
            case JPEG, JPEG_CMYK, JPEG_EXIF_ROTATED, JPEG_EXIF_DAMAGED -> "image/jpeg";
            case BMP_BOTTOM_UP, BMP_TOP_DOWN -> "image/bmp";
            default -> "image/png";
        };
    }

    private byte[] noise(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** A record being built: key = camera id and a complete set of headers, which a kind then damages. */
    private static final class Frame {
        byte[] key;
        byte[] value;
        final List<Header> headers = new ArrayList<>();

        Frame(String camera, long seq, long captureTs) {
            key = utf8(camera);
            header(FrameCodec.CAMERA_ID, camera);
            header(FrameCodec.FRAME_SEQ, Long.toString(seq));
            header(FrameCodec.CAPTURE_TS, Long.toString(captureTs));
        }

        void header(String name, String value) {
            headers.add(new RecordHeader(name, utf8(value)));
        }

        void header(String name, byte[] value) {
            headers.add(new RecordHeader(name, value));
        }

        void contentType(String type) {
            header(FrameCodec.CONTENT_TYPE, type);
        }

        void raw(int width, int height) {
            contentType("application/x-rgb24");
            header(FrameCodec.WIDTH, Integer.toString(width));
            header(FrameCodec.HEIGHT, Integer.toString(height));
        }

        void drop(String name) {
            headers.removeIf(h -> h.key().equals(name));
        }

        ProducerRecord<byte[], byte[]> record(String topic) {
            return new ProducerRecord<>(topic, null, null, key, value, headers);
        }
    }

    // --- the pictures -------------------------------------------------------------------------------

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private static Photo photo(String file, int expectedClass) throws IOException {
        BufferedImage original = ImageIO.read(TestFrames.IMAGES.resolve(file).toFile());
        double scale = (double) SIDE / Math.max(original.getWidth(), original.getHeight());
        int w = (int) Math.round(original.getWidth() * scale), h = (int) Math.round(original.getHeight() * scale);
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = rgb.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(original, 0, 0, w, h, null);
        g.dispose();
        Map<Kind, byte[]> bytes = new HashMap<>();
        byte[] jpeg = encode(rgb, "jpeg");
        bytes.put(Kind.JPEG, jpeg);
        bytes.put(Kind.PNG, encode(rgb, "png"));
        bytes.put(Kind.BMP_BOTTOM_UP, encode(rgb, "bmp"));
        bytes.put(Kind.BMP_TOP_DOWN, bmpTopDown(rgb));
        bytes.put(Kind.RAW_RGB24, rgb24(rgb));
        bytes.put(Kind.PNG_GRAYSCALE, encode(convert(rgb, BufferedImage.TYPE_BYTE_GRAY), "png"));
        bytes.put(Kind.PNG_PALETTE, encode(convert(rgb, BufferedImage.TYPE_BYTE_INDEXED), "png"));
        bytes.put(Kind.PNG_16_BIT, encode(sixteenBit(rgb), "png"));
        bytes.put(Kind.PNG_ALPHA, encode(convert(rgb, BufferedImage.TYPE_INT_ARGB), "png"));
        bytes.put(Kind.JPEG_CMYK, cmykJpeg(rgb));
        bytes.put(Kind.JPEG_EXIF_ROTATED, withExif(encode(rotatedCounterClockwise(rgb), "jpeg"), 6, false));
        bytes.put(Kind.JPEG_EXIF_DAMAGED, withExif(jpeg, 6, true));
        return new Photo(file, expectedClass, bytes, w, h);
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("no " + format + " writer for " + image);
        }
        return out.toByteArray();
    }

    private static BufferedImage convert(BufferedImage rgb, int type) {
        BufferedImage out = new BufferedImage(rgb.getWidth(), rgb.getHeight(), type);
        Graphics2D g = out.createGraphics();
        g.drawImage(rgb, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage sixteenBit(BufferedImage rgb) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                ComponentColorModel.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(rgb.getWidth(), rgb.getHeight());
        int[] px = new int[3];
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y);
                px[0] = ((p >> 16) & 0xff) * 257;
                px[1] = ((p >> 8) & 0xff) * 257;
                px[2] = (p & 0xff) * 257;
                raster.setPixel(x, y, px);
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    private static BufferedImage rotatedCounterClockwise(BufferedImage rgb) {
        int w = rgb.getWidth(), h = rgb.getHeight();
        BufferedImage out = new BufferedImage(h, w, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(y, w - 1 - x, rgb.getRGB(x, y)); // (x, y) -> (y, w-1-x): a quarter turn anticlockwise
            }
        }
        return out;
    }

    /** 4 channels C, M, Y, K (no colour space: the writer stores them as they are, as print workflows do). */
    private static byte[] cmykJpeg(BufferedImage rgb) throws IOException {
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, rgb.getWidth(), rgb.getHeight(), 4, null);
        int[] px = new int[4];
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y);
                px[0] = 255 - ((p >> 16) & 0xff);
                px[1] = 255 - ((p >> 8) & 0xff);
                px[2] = 255 - (p & 0xff);
                px[3] = 0;
                cmyk.setPixel(x, y, px);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * The JPEG with an APP1 Exif segment holding only the orientation, inserted after SOI. Damaged: the
     * IFD offset points past the segment, so a careful reader must ignore the orientation.
     */
    static byte[] withExif(byte[] jpeg, int orientation, boolean damaged) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4).order(ByteOrder.BIG_ENDIAN);
        tiff.put(new byte[] {'M', 'M'}).putShort((short) 42).putInt(damaged ? 0x7FFF_FFF0 : 8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1);
        tiff.putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
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

    /** A 24-bit BITMAPINFOHEADER BMP with a negative height: rows stored top-down. */
    private static byte[] bmpTopDown(BufferedImage rgb) {
        int w = rgb.getWidth(), h = rgb.getHeight(), stride = (w * 3 + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(54 + stride * h).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(54 + stride * h).putInt(0).putInt(54);
        b.putInt(40).putInt(w).putInt(-h).putShort((short) 1).putShort((short) 24).putInt(0).putInt(stride * h)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        for (int y = 0; y < h; y++) {
            int row = 54 + y * stride;
            for (int x = 0; x < w; x++) {
                int p = rgb.getRGB(x, y);
                b.put(row + 3 * x, (byte) p).put(row + 3 * x + 1, (byte) (p >> 8)).put(row + 3 * x + 2, (byte) (p >> 16));
            }
        }
        return b.array();
    }

    /** A BMP header declaring {@code width x height}, followed by {@code pixelBytes} zero bytes. */
    private static byte[] bmp(int width, int height, int pixelBytes) {
        ByteBuffer b = ByteBuffer.allocate(54 + pixelBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(54 + pixelBytes).putInt(0).putInt(54);
        b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0).putInt(pixelBytes)
                .putInt(0).putInt(0).putInt(0).putInt(0);
        return b.array();
    }

    /** A PNG with an IHDR declaring {@code width x height} (8-bit RGB), one IDAT of {@code idat} and IEND. */
    private static byte[] png(int width, int height, byte[] idat) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PNG_SIGNATURE);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** A valid 64x64 grey PNG with a zTXt chunk, before its image data, that inflates to {@code textBytes}. */
    static byte[] pngWithTextBomb(int textBytes) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(64).putInt(64).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.writeBytes("Comment".getBytes(StandardCharsets.ISO_8859_1));
        text.write(0); // end of keyword
        text.write(0); // compression method: deflate
        byte[] zeros = new byte[1 << 20];
        byte[] buf = new byte[1 << 16];
        for (int left = textBytes; left > 0; left -= zeros.length) {
            d.setInput(zeros, 0, Math.min(left, zeros.length));
            while (!d.needsInput()) {
                text.write(buf, 0, d.deflate(buf));
            }
        }
        d.finish();
        while (!d.finished()) {
            text.write(buf, 0, d.deflate(buf));
        }
        d.end();
        byte[] rows = new byte[64 * 65]; // filter byte 0 then 64 grey pixels, each row
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PNG_SIGNATURE);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "zTXt", text.toByteArray());
        chunk(out, "IDAT", deflate(rows));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length + 64];
        int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }

    private static byte[] rgb24(BufferedImage rgb) {
        byte[] out = new byte[rgb.getWidth() * rgb.getHeight() * 3];
        for (int y = 0, o = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++, o += 3) {
                int p = rgb.getRGB(x, y);
                out[o] = (byte) (p >> 16);
                out[o + 1] = (byte) (p >> 8);
                out[o + 2] = (byte) p;
            }
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // --- command line --------------------------------------------------------------------------------

    /**
     * Sends hostile traffic to a broker and writes what must become of each frame, one line each
     * ({@code id kind outcome camera seq expected-class}, tab-separated), for
     * {@code deploy/reliability/HostileCheck.java}. Run from the repository root, or with
     * {@code -Dmobilenet.repo.root=DIR} (the photos come from its test-images/).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("topic", "frames", "frames", "2000", "seed", "1",
                "bad-fraction", "0.5", "max-frame-bytes", "16777216", "max-frame-age-ms", "0", "cameras", "4", "fps", "0",
                "run", Long.toString(System.currentTimeMillis(), 36)));
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                System.err.println("usage: HostileFrames --bootstrap-servers H:P [--topic frames] [--frames N] [--seed S]"
                        + " [--bad-fraction F] [--max-frame-bytes N] [--max-frame-age-ms MS] [--cameras N] [--fps F]"
                        + " [--expect FILE] [--run NAME]");
                System.exit(2);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        if (System.getProperty("mobilenet.repo.root") == null) {
            System.setProperty("mobilenet.repo.root", Path.of("").toAbsolutePath().toString());
        }
        List<String> cameras = new ArrayList<>();
        for (int i = 1; i <= Integer.parseInt(o.get("cameras")); i++) {
            cameras.add("hostile-" + o.get("run") + "-cam-" + i);
        }
        HostileFrames frames = new HostileFrames(Long.parseLong(o.get("seed")), new Settings(o.get("topic"), cameras,
                Integer.parseInt(o.get("max-frame-bytes")), Long.parseLong(o.get("max-frame-age-ms")),
                Double.parseDouble(o.get("bad-fraction")))).withIdPrefix("hostile-" + o.get("run") + "-");
        int n = Integer.parseInt(o.get("frames"));
        double fps = Double.parseDouble(o.get("fps"));
        Properties p = new Properties();
        p.put("bootstrap.servers", o.get("bootstrap-servers"));
        p.put("acks", "all");
        p.put("max.request.size", Integer.toString(1 << 20));
        Map<String, Integer> byOutcome = new TreeMap<>();
        StringBuilder expect = new StringBuilder();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p,
                             new ByteArraySerializer(),
                             new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                if (fps > 0) {
                    long due = start + (long) (i * 1e9 / fps);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                Hostile h = frames.next();
                producer.send(h.record(), (meta, e) -> {
                    if (e != null) {
                        System.err.println("send failed: " + h.id() + " " + h.kind() + ": " + e);
                    }
                });
                byOutcome.merge(h.outcome(), 1, Integer::sum);
                expect.append(h.id()).append('\t').append(h.kind()).append('\t').append(h.outcome()).append('\t')
                        .append(h.camera()).append('\t').append(h.seq()).append('\t').append(h.expectedClass()).append('\n');
            }
            producer.flush();
        }
        if (o.containsKey("expect")) {
            Files.writeString(Path.of(o.get("expect")), expect);
        }
        StringBuilder json = new StringBuilder("{\"frames\": " + n + ", \"kinds\": " + frames.kinds().size()
                + ", \"seconds\": " + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9)
                + ", \"by_outcome\": {");
        byOutcome.forEach((k, v) -> json.append(json.charAt(json.length() - 1) == '{' ? "" : ", ")
                .append('"').append(k).append("\": ").append(v));
        System.out.println(json.append("}}"));
    }
}
