package org.flinkmobilenet.operators;

import static org.flinkmobilenet.operators.Frames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The classify operator with the real engine and a small real model, driven by Flink's operator test
 * harness, whose processing-time clock the test sets: batching, the timeout, flushing at checkpoints
 * and dead letters, without depending on how fast this machine is.
 */
class ClassifyOperatorTest {

    static final Path IMAGES = Path.of(System.getProperty("mobilenet.repo.root"), "test-images");
    /** MobileNet v1 0.25/128: top-1 of the burger is 934 (cheeseburger), of the parrot 89 (macaw). */
    static final String MODEL = SharedModelsTest.SMALL_MODEL;
    static final int BATCH = 3;
    static final long TIMEOUT = 50;
    static final long MAX_AGE = 60_000;
    static final int MAX_DIMENSION = 1000;

    OneInputStreamOperatorTestHarness<Frame, Label> harness;
    long now;

    @BeforeEach
    void open() throws Exception {
        ClassifierSettings settings = new ClassifierSettings(MODEL, null, "v1-0.25-128", 3, 1f, BATCH, TIMEOUT, MAX_AGE,
                1 << 20, MAX_DIMENSION, 1L << 20, 0);
        harness = new OneInputStreamOperatorTestHarness<>(new ClassifyOperator(new ClassifyFunction(settings)));
        harness.setProcessingTime(1_000);
        harness.open();
        now = System.currentTimeMillis();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
        assertEquals(0, SharedModels.users(MODEL, null), "close() must give the shared model back");
    }

    @Test
    void aFullBatchRunsAtOnceAndKeepsArrivalOrder() throws Exception {
        harness.processElement(record("cam", 0, "tflite-support_burger.jpg", "image/jpeg"));
        harness.processElement(record("cam", 1, "coral_parrot.jpg", "image/jpeg"));
        assertTrue(harness.extractOutputValues().isEmpty(), "two of three frames: the batch is still open");

        harness.processElement(record("cam", 2, "tflite-support_burger-224.png", "image/png"));

        List<Label> labels = harness.extractOutputValues();
        assertEquals(List.of(0L, 1L, 2L), labels.stream().map(l -> l.frameSeq).toList());
        assertEquals(List.of(934, 89, 934), labels.stream().map(l -> l.topIndex[0]).toList());
        assertEquals("cheeseburger", labels.get(0).topLabel[0]);
        assertEquals(3, labels.get(0).topIndex.length);
        assertEquals("v1-0.25-128", labels.get(0).model);
        assertEquals(0, harness.getProcessingTimeService().getNumActiveTimers(), "the full batch's timer is cancelled");
    }

    @Test
    void aFrameNeverWaitsLongerThanTheTimeout() throws Exception {
        harness.processElement(record("cam", 0, "coral_parrot.jpg", "image/jpeg"));
        harness.setProcessingTime(1_000 + TIMEOUT - 1);
        assertTrue(harness.extractOutputValues().isEmpty(), "before the timeout the frame waits for company");

        harness.setProcessingTime(1_000 + TIMEOUT);
        assertEquals(List.of(89), harness.extractOutputValues().stream().map(l -> l.topIndex[0]).toList());

        // The next frame starts a new batch with its own deadline.
        harness.processElement(record("cam", 1, "tflite-support_burger.jpg", "image/jpeg"));
        harness.setProcessingTime(1_000 + 2 * TIMEOUT);
        assertEquals(2, harness.extractOutputValues().size());
    }

    @Test
    void waitingFramesAreClassifiedBeforeACheckpointBarrier() throws Exception {
        harness.processElement(record("cam", 0, "coral_parrot.jpg", "image/jpeg"));
        harness.prepareSnapshotPreBarrier(1);
        assertEquals(1, harness.extractOutputValues().size(), "no frame may wait across a checkpoint");
    }

    @Test
    void framesThatCannotBeClassifiedBecomeDeadLettersAndTheRestGoesOn() throws Exception {
        byte[] jpeg = read("tflite-support_burger.jpg");
        Frame stale = parsed("cam", 0, jpeg, "image/jpeg", now - MAX_AGE - 1_000);
        Frame truncated = parsed("cam", 1, Arrays.copyOf(jpeg, jpeg.length / 2), "image/jpeg", now);
        Frame notAPicture = parsed("cam", 2, "hello".getBytes(), "image/jpeg", now);
        Frame tooLarge = parsed("cam", 3, png(MAX_DIMENSION + 1, 2), "image/png", now);
        Frame rawTooShort = FrameCodec.parse(frame().key("cam").header("frame-seq", "4")
                .header("capture-ts", Long.toString(now)).header("content-type", "application/x-rgb24")
                .header("width", "224").header("height", "224").value(new byte[100]).raw());
        Frame good = parsed("cam", 5, read("coral_parrot.jpg"), "image/jpeg", now);

        for (Frame f : List.of(stale, truncated, notAPicture, tooLarge, rawTooShort, good)) {
            harness.processElement(new StreamRecord<>(f));
        }
        harness.prepareSnapshotPreBarrier(1);

        Map<Long, String> reasons = harness.getSideOutput(DeadLetter.OUTPUT).stream().map(StreamRecord::getValue)
                .collect(Collectors.toMap(d -> Long.parseLong(d.raw.header("frame-seq")), d -> d.reason));
        assertEquals(Map.of(0L, "stale", 1L, "corrupt", 2L, "corrupt", 3L, "too-large", 4L, "corrupt"), reasons);
        DeadLetter first = harness.getSideOutput(DeadLetter.OUTPUT).peek().getValue();
        assertTrue(Arrays.equals(jpeg, first.raw.value), "a dead letter carries the original bytes");
        assertEquals(List.of(5L), harness.extractOutputValues().stream().map(l -> l.frameSeq).toList());
    }

    StreamRecord<Frame> record(String camera, long seq, String image, String contentType) throws Exception {
        return new StreamRecord<>(parsed(camera, seq, read(image), contentType, now));
    }

    static Frame parsed(String camera, long seq, byte[] value, String contentType, long captureTs)
            throws RejectedFrameException {
        return FrameCodec.parse(frame().key(camera).header("frame-seq", Long.toString(seq))
                .header("capture-ts", Long.toString(captureTs)).header("content-type", contentType).value(value).raw());
    }

    static byte[] read(String image) throws IOException {
        return Files.readAllBytes(IMAGES.resolve(image));
    }

    static byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR), "png", out);
        return out.toByteArray();
    }
}
