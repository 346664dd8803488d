package org.flinkmobilenet.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import org.flinkmobilenet.engine.Classifier;
import org.flinkmobilenet.engine.MobileNetModel;
import org.flinkmobilenet.engine.Models;
import org.flinkmobilenet.engine.image.RgbImage;
import org.flinkmobilenet.experiments.ThreadProfile.Part;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How samples are sorted into parts, and a real recording of the engine on a thread named like a slot's. */
class ThreadProfileTest {

    @Test
    void aSampleBelongsToTheFirstPartItsStackNamesFromTheTop() {
        assertEquals(Part.INFERENCE, ThreadProfile.part(List.of("java.util.Objects.checkIndex",
                "jdk.incubator.vector.VectorIntrinsics.checkFromIndexSize", "jdk.incubator.vector.FloatVector.fromArray",
                "org.flinkmobilenet.engine.kernels.Gemm.tile4x4", "org.flinkmobilenet.engine.Engine.run",
                "org.flinkmobilenet.engine.Classifier.run", "org.flinkmobilenet.operators.ClassifyFunction.classify",
                "org.apache.flink.streaming.runtime.tasks.StreamTask.processInput")));
        assertEquals(Part.INFERENCE, ThreadProfile.part(List.of("java.lang.StrictMath.exp",
                "org.flinkmobilenet.engine.kernels.ReferenceKernels.softmax", "org.flinkmobilenet.engine.Engine.run")));
        assertEquals(Part.PREPROCESS, ThreadProfile.part(List.of("org.flinkmobilenet.engine.image.Preprocessor.normaliseOnly",
                "org.flinkmobilenet.engine.image.Preprocessor.fill", "org.flinkmobilenet.engine.Classifier.setInput",
                "org.flinkmobilenet.operators.ClassifyFunction.classify")));
        assertEquals(Part.DECODE, ThreadProfile.part(List.of("java.awt.image.Raster.createInterleavedRaster",
                "com.sun.imageio.plugins.jpeg.JPEGImageReader.readInternal", "javax.imageio.ImageReader.read",
                "org.flinkmobilenet.engine.image.ImageDecoder.decode", "org.flinkmobilenet.operators.ClassifyFunction.decode")));
        assertEquals(Part.LABELS, ThreadProfile.part(List.of("java.lang.AbstractStringBuilder.append",
                "java.lang.StringBuilder.append", "org.flinkmobilenet.operators.LabelJson.write",
                "org.flinkmobilenet.job.LabelSerializer.serialize", "org.apache.flink.connector.kafka.sink.KafkaWriter.write")));
        assertEquals(Part.LABELS, ThreadProfile.part(List.of("org.flinkmobilenet.engine.TopK.of",
                "org.flinkmobilenet.engine.Classifier.top", "org.flinkmobilenet.operators.ClassifyFunction.run")));
        assertEquals(Part.LABELS, ThreadProfile.part(List.of("java.math.BigDecimal.toString",
                "org.flinkmobilenet.engine.util.Json.number", "org.flinkmobilenet.operators.LabelJson.write")));
        assertEquals(Part.KAFKA, ThreadProfile.part(List.of("org.apache.kafka.clients.producer.internals.RecordAccumulator.append",
                "org.apache.kafka.clients.producer.KafkaProducer.send", "org.apache.flink.connector.kafka.sink.KafkaWriter.write",
                "org.flinkmobilenet.operators.ClassifyOperator.flush")));
        assertEquals(Part.FLINK, ThreadProfile.part(List.of("jdk.internal.misc.Unsafe.copyMemory",
                "org.apache.flink.core.memory.DataInputDeserializer.readFully",
                "org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer.deserialize")));
        assertEquals(Part.JOB, ThreadProfile.part(List.of("java.util.ArrayList.add",
                "org.flinkmobilenet.operators.ClassifyOperator.processElement",
                "org.apache.flink.streaming.runtime.tasks.OneInputStreamTask$StreamTaskNetworkOutput.emitRecord")));
        assertEquals(Part.OTHER, ThreadProfile.part(List.of("java.lang.Object.wait", "java.lang.Thread.run")));
        assertEquals(Part.OTHER, ThreadProfile.part(List.of()));
    }

    @Test
    void theClassifyThreadsAreTheSubtasksNotTheirHelpers() {
        String task = "classify (MobileNet) -> labels to Kafka: Writer -> labels to Kafka: Committer (2/2)#0";
        assertTrue(PipelineRun.isClassifyThread(task));
        assertTrue(PipelineRun.isClassifyThread("Source: frames from Kafka -> parse frame headers -> classify (MobileNet) "
                + "-> labels to Kafka: Writer -> labels to Kafka: Committer (1/1)#3"), "routed by partition: one chain");
        for (String helper : List.of("OutputFlusher for ", "Time Trigger for ", "System Time Trigger for ")) {
            assertFalse(PipelineRun.isClassifyThread(helper + task), helper);
        }
        assertFalse(PipelineRun.isClassifyThread("Source Data Fetcher for Source: frames from Kafka -> parse frame headers "
                + "-> classify (MobileNet) -> labels to Kafka: Writer (1/1)#0"));
        assertFalse(PipelineRun.isClassifyThread("Source: frames from Kafka -> parse frame headers (1/2)#0"));
    }

    @Test
    void aRecordingOfTheEngineOnASlotThreadFindsInferenceAndNormalising(@TempDir Path dir) throws Exception {
        Path root = Path.of(System.getProperty("mobilenet.repo.root", "../..")).toAbsolutePath().normalize();
        ModelCase m = ModelCase.of("v1-0.25-128");
        MobileNetModel model = Models.load(root.resolve(m.spec()).toString(), null);
        List<byte[]> frames = FrameSet.raw(root.resolve("test-images"), m.resolution()).pictures();
        Classifier classifier = new Classifier(model, 1, 1f);
        classifier.warmUp(5_000);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread slot = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    classifier.setInput(0, new RgbImage(m.resolution(), m.resolution(), frames.get(i % frames.size())));
                    classifier.run(1);
                    classifier.top(0, 5);
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "classify (MobileNet) -> labels to Kafka: Writer (1/1)#0");
        Thread other = new Thread(() -> {
            double x = 0;
            while (!stop.get()) {
                x += Math.sqrt(x + 1);
            }
            assertTrue(x > 0);
        }, "experiments-test-busy");

        Path file = dir.resolve("engine.jfr");
        try (Recording r = ThreadProfile.start("test")) {
            slot.start();
            other.start();
            Thread.sleep(2_000);
            stop.set(true);
            slot.join();
            other.join();
            r.stop();
            r.dump(file);
        }
        if (failed.get() != null) {
            throw new AssertionError("the engine thread failed", failed.get());
        }

        ThreadProfile p = ThreadProfile.read(file, PipelineRun::isClassifyThread);
        String shares = describe(p);
        assertEquals(1, p.threads(), "samples of the classify thread alone: " + shares);
        assertTrue(p.samples() >= 50, "2 s at one sample every " + ThreadProfile.PERIOD + ": " + shares);
        assertTrue(p.share(Part.INFERENCE) >= 0.6, "the kernels dominate: " + shares);
        assertTrue(p.count(Part.PREPROCESS) > 0, "raw frames at the model's size are normalised on this thread: " + shares);
        assertEquals(0, p.count(Part.KAFKA) + p.count(Part.FLINK) + p.count(Part.DECODE), "no Kafka, Flink or JPEG here: " + shares);

        ThreadProfile busy = ThreadProfile.read(file, name -> name.equals("experiments-test-busy"));
        assertTrue(busy.samples() >= 50, "the other thread was sampled too: " + describe(busy));
        assertEquals(0, busy.count(Part.INFERENCE) + busy.count(Part.PREPROCESS), "and kept apart: " + describe(busy));
    }

    private static String describe(ThreadProfile p) {
        StringBuilder s = new StringBuilder(p.samples() + " samples of " + p.threads() + " thread(s):");
        for (Part part : Part.values()) {
            s.append(' ').append(part.column).append('=').append(p.count(part));
        }
        return s.toString();
    }
}
