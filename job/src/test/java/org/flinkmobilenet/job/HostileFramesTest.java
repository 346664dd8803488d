package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.flinkmobilenet.engine.Classifier;
import org.flinkmobilenet.engine.MobileNetModel;
import org.flinkmobilenet.engine.Models;
import org.flinkmobilenet.engine.image.ImageDecodeException;
import org.flinkmobilenet.engine.image.ImageDecoder;
import org.flinkmobilenet.engine.image.ImageFormat;
import org.flinkmobilenet.engine.image.ImageLimits;
import org.flinkmobilenet.engine.image.RgbImage;
import org.flinkmobilenet.job.HostileFrames.Hostile;
import org.flinkmobilenet.job.HostileFrames.Kind;
import org.flinkmobilenet.operators.DeadLetterReason;
import org.flinkmobilenet.operators.Frame;
import org.flinkmobilenet.operators.FrameCodec;
import org.flinkmobilenet.operators.RawFrame;
import org.flinkmobilenet.operators.RejectedFrameException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hostile-frame generator checked against the job's own parts, one frame at a time: the frame
 * codec with the size limit, the age check, the bounded decoder and the flagship engine. Every kind
 * must reach the outcome the generator claims for it, for many random variants of the random kinds;
 * the cluster test then only has to show the running job does the same at volume.
 */
class HostileFramesTest {

    static final int MAX_FRAME_BYTES = 512 * 1024;
    static final long MAX_AGE_MS = 600_000;
    /** Variants made of each kind whose bytes are random (cut points, noise), and of the others. */
    static final int RANDOM_VARIANTS = 150, FIXED_VARIANTS = 3;

    static Classifier classifier;

    @BeforeAll
    static void loadFlagship() throws Exception {
        MobileNetModel model = Models.load(TestFrames.FLAGSHIP, null);
        classifier = new Classifier(model, 1, 1.0f);
    }

    static HostileFrames generator(long seed) {
        return new HostileFrames(seed, new HostileFrames.Settings("frames", List.of("cam-a", "cam-b", "cam-c"),
                MAX_FRAME_BYTES, MAX_AGE_MS, 0.5));
    }

    @Test
    void everyKindGetsTheOutcomeTheGeneratorClaims() {
        long seed = 20261128;
        HostileFrames frames = generator(seed);
        Map<Kind, List<String>> wrong = new EnumMap<>(Kind.class);
        for (Kind kind : frames.kinds()) {
            boolean random = kind.name().contains("NOISE") || kind == Kind.TRUNCATED_JPEG || kind == Kind.RAW_WRONG_LENGTH
                    || kind == Kind.GARBLED_CONTENT_TYPE || kind == Kind.OVER_MAX_FRAME_SIZE;
            for (int i = 0; i < (random ? RANDOM_VARIANTS : FIXED_VARIANTS); i++) {
                Hostile h = frames.make(kind);
                Outcome got = outcome(h.record());
                String problem = null;
                if (!got.code().equals(kind.outcome)) {
                    problem = "got " + got.code() + " (" + got.message() + ")";
                } else if (kind.good() && !got.camera().equals(h.camera())) {
                    problem = "labelled as camera " + got.camera();
                } else if (kind.good() && got.seq() != h.seq()) {
                    problem = "labelled as frame " + got.seq();
                } else if (h.expectedClass() >= 0 && got.top1() != h.expectedClass()) {
                    problem = "top-1 " + got.top1() + ", expected " + h.expectedClass();
                }
                if (problem != null) {
                    wrong.computeIfAbsent(kind, k -> new ArrayList<>()).add(h.id() + ": " + problem);
                }
            }
        }
        assertEquals(Map.of(), wrong, "seed " + seed);
    }

    @Test
    void atLeastTwelveKindsOfBadInputAndTheValidOddities() {
        List<Kind> kinds = generator(1).kinds();
        long bad = kinds.stream().filter(k -> !k.good()).count();
        assertTrue(bad >= 12, bad + " bad kinds");
        assertTrue(kinds.containsAll(List.of(Kind.PNG_GRAYSCALE, Kind.PNG_PALETTE, Kind.PNG_16_BIT, Kind.PNG_ALPHA,
                Kind.JPEG_CMYK, Kind.JPEG_EXIF_ROTATED, Kind.BMP_TOP_DOWN, Kind.OVER_MAX_FRAME_SIZE, Kind.STALE)), kinds.toString());
        // Every dead-letter reason a frame can earn (inference-failed is a bug, not a frame) is produced.
        List<String> reasons = kinds.stream().map(k -> k.outcome).distinct().sorted().toList();
        List<String> expected = new ArrayList<>(Arrays.stream(DeadLetterReason.values())
                .filter(r -> r != DeadLetterReason.INFERENCE_FAILED).map(r -> r.code).toList());
        expected.add(HostileFrames.LABEL);
        assertEquals(expected.stream().sorted().toList(), reasons);
    }

    @Test
    void theExifTagIsWhatMakesTheRotatedPhotoRecognisable() throws Exception {
        // With its orientation tag each sideways photo is its class; without it, at least one photo is not.
        HostileFrames frames = generator(3);
        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        Map<Integer, Integer> untagged = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            Hostile rotated = frames.make(Kind.JPEG_EXIF_ROTATED);
            byte[] withTag = rotated.record().value();
            byte[] withoutTag = new byte[withTag.length - 36]; // the APP1 segment inserted after SOI
            System.arraycopy(withTag, 0, withoutTag, 0, 2);
            System.arraycopy(withTag, 38, withoutTag, 2, withTag.length - 38);
            assertEquals(rotated.expectedClass(), top1(decoder.decode(withTag, ImageFormat.JPEG)), rotated.id());
            untagged.put(rotated.expectedClass(), top1(decoder.decode(withoutTag, ImageFormat.JPEG)));
        }
        assertEquals(3, untagged.size(), "all three photos were made: " + untagged);
        assertTrue(untagged.entrySet().stream().anyMatch(e -> !e.getKey().equals(e.getValue())),
                "every sideways photo is recognised even without its tag, so the test proves nothing: " + untagged);
    }

    @Test
    void theSameSeedMakesTheSameFrames() {
        HostileFrames a = generator(42), b = generator(42);
        Map<String, Integer> kinds = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            Hostile x = a.next(), y = b.next();
            assertEquals(x.kind(), y.kind());
            assertEquals(x.labelId(), y.labelId());
            assertArrayEquals(x.record().value(), y.record().value(), x.id());
            kinds.merge(x.kind().outcome, 1, Integer::sum);
        }
        assertTrue(kinds.get(HostileFrames.LABEL) > 100 && kinds.get(HostileFrames.LABEL) < 200, kinds.toString());
    }

    @Test
    void compressedMetadataIsNotInflated() throws Exception {
        // A valid 64x64 PNG carrying a zTXt chunk that inflates to 256 MiB: a bomb that a reader reading
        // metadata would expand. The decoder ignores metadata, so decoding it allocates a few MB at most.
        byte[] bomb = HostileFrames.pngWithTextBomb(256 << 20);
        assertTrue(bomb.length < 512 * 1024, bomb.length + " bytes");
        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        decoder.decode(bomb, ImageFormat.PNG); // once to load the classes
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        RgbImage image = decoder.decode(bomb, ImageFormat.PNG);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(64, image.width());
        assertTrue(allocated < 16 << 20, "decoding allocated " + allocated + " bytes");

        // The premise: a reader that does read metadata inflates the text (a smaller bomb here, 32 MiB).
        byte[] small = HostileFrames.pngWithTextBomb(32 << 20);
        ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
        before = threads.getCurrentThreadAllocatedBytes();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(small))) {
            reader.setInput(in, true, false);
            reader.getImageMetadata(0);
        } finally {
            reader.dispose();
        }
        allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated > 32 << 20, "reading the metadata allocated only " + allocated + " bytes: not a bomb");
    }

    /** What the job makes of a frame: a label (camera, seq, top-1) or a dead-letter reason and message. */
    record Outcome(String code, String message, String camera, long seq, int top1) {}

    /**
     * The job's path for one frame, as {@code ParseFrames} and {@code ClassifyFunction} take it: the
     * Kafka deserializer's copy, the codec with the size limit, the age check, decoding, the engine.
     */
    static Outcome outcome(ProducerRecord<byte[], byte[]> record) {
        Header[] headers = record.headers().toArray();
        RawFrame raw = new RawFrame(record.key(), record.value(), Arrays.stream(headers).map(Header::key).toArray(String[]::new),
                Arrays.stream(headers).map(Header::value).toArray(byte[][]::new), System.currentTimeMillis(),
                record.topic(), 0, 1234);
        Frame frame;
        try {
            frame = FrameCodec.parse(raw, MAX_FRAME_BYTES);
        } catch (RejectedFrameException e) {
            return new Outcome(e.reason().code, e.getMessage(), null, -1, -1);
        }
        if (System.currentTimeMillis() - frame.captureTs > MAX_AGE_MS) {
            return new Outcome(DeadLetterReason.STALE.code, "stale", null, -1, -1);
        }
        ImageDecoder decoder = new ImageDecoder(new ImageLimits(MAX_FRAME_BYTES, ImageLimits.DEFAULT.maxDimension(),
                ImageLimits.DEFAULT.maxPixels()));
        try {
            RgbImage image = frame.format == ImageFormat.RGB24 ? decoder.decodeRaw(raw.value, frame.width, frame.height)
                    : decoder.decode(raw.value, frame.format);
            return new Outcome(HostileFrames.LABEL, "", frame.cameraId, frame.frameSeq, top1(image));
        } catch (ImageDecodeException e) {
            return new Outcome(DeadLetterReason.of(e.reason()).code, e.getMessage(), null, -1, -1);
        }
    }

    static int top1(RgbImage image) {
        return classifier.classify(image, 1).get(0).index();
    }
}
