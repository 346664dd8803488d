package org.flinkmobilenet.job;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.flinkmobilenet.engine.image.ImageDecoder;
import org.flinkmobilenet.engine.image.ImageFormat;
import org.flinkmobilenet.engine.image.ImageLimits;
import org.flinkmobilenet.engine.image.RgbImage;

/** Camera frames made from the shipped photos, as a camera gateway would send them. */
final class TestFrames {

    static final Path ROOT = Path.of(System.getProperty("mobilenet.repo.root"));
    static final Path IMAGES = ROOT.resolve("test-images");
    /** The flagship, resolved to absolute paths as the job does at submission. */
    static final String FLAGSHIP = ROOT.resolve("models/mobilenet_v1/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite")
            + "," + ROOT.resolve("models/mobilenet_v1/mobilenet_quant_v1_224_head_layers.tflite");

    /** A picture ready to send, and the flagship's top-1 class for it (from models/UPSTREAM-README.md). */
    record Picture(String name, String contentType, byte[] bytes, int width, int height, int expectedClass) {}

    private TestFrames() {}

    /**
     * {@code n} camera ids whose keys Flink spreads over both classify subtasks (parallelism 2, the
     * default max parallelism 128), so a test exercises two slots, each with its own engine.
     */
    static List<String> cameras(int n) {
        List<String> chosen = new ArrayList<>();
        Set<Integer> subtasks = new HashSet<>();
        for (int i = 0; chosen.size() < n; i++) {
            String id = "cam-" + i;
            int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(id, 128, 2);
            int missing = 2 - subtasks.size();
            if (!subtasks.contains(subtask) || n - chosen.size() > missing) {
                chosen.add(id);
                subtasks.add(subtask);
            }
        }
        return chosen;
    }

    static Picture jpeg(String file, int expectedClass) throws IOException {
        return new Picture(file, "image/jpeg", Files.readAllBytes(IMAGES.resolve(file)), 0, 0, expectedClass);
    }

    static Picture bmp(String file, int expectedClass) throws IOException {
        return new Picture(file, "image/bmp", Files.readAllBytes(IMAGES.resolve(file)), 0, 0, expectedClass);
    }

    /** A photo re-encoded as PNG (lossless, so the class does not change). */
    static Picture png(String file, int expectedClass) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(ImageIO.read(IMAGES.resolve(file).toFile()), "png", out);
        return new Picture(file + " as PNG", "image/png", out.toByteArray(), 0, 0, expectedClass);
    }

    /** A photo decoded to raw RGB24 pixels, as a camera without an encoder would send it. */
    static Picture raw(String file, int expectedClass) throws Exception {
        RgbImage image = new ImageDecoder(ImageLimits.DEFAULT).decode(Files.readAllBytes(IMAGES.resolve(file)),
                ImageFormat.ofFileName(file));
        return new Picture(file + " as RGB24", "application/x-rgb24", image.rgb(), image.width(), image.height(), expectedClass);
    }

    /** The shipped 224x224 raw file. */
    static Picture rawFile(String file, int side, int expectedClass) throws IOException {
        return new Picture(file, "application/x-rgb24", Files.readAllBytes(IMAGES.resolve(file)), side, side, expectedClass);
    }

    /** A frame with every header of the format. */
    static ProducerRecord<byte[], byte[]> record(String topic, String camera, long seq, long captureTs, Picture p) {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"camera-id", camera});
        headers.add(new String[] {"frame-seq", Long.toString(seq)});
        headers.add(new String[] {"capture-ts", Long.toString(captureTs)});
        headers.add(new String[] {"content-type", p.contentType()});
        if (p.width() > 0) {
            headers.add(new String[] {"width", Integer.toString(p.width())});
            headers.add(new String[] {"height", Integer.toString(p.height())});
        }
        return record(topic, camera, p.bytes(), headers);
    }

    /** A frame with exactly the given key and headers (name, value pairs). */
    static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value, List<String[]> headers) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, key == null ? null : utf8(key), value);
        for (String[] h : headers) {
            r.headers().add(new RecordHeader(h[0], utf8(h[1])));
        }
        return r;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** An image of the given size, encoded in {@code format} ("png", "gif"...). */
    static byte[] encoded(int width, int height, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED), format, out);
        return out.toByteArray();
    }
}
