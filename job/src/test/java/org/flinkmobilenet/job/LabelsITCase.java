package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.flinkmobilenet.job.TestFrames.Picture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5, test 1: real JPEG, PNG, BMP and raw RGB24 frames from the shipped photos, from three
 * cameras, through the job's own main() on a two-slot cluster: one label per frame, the right class,
 * each camera's labels in its frame order.
 */
class LabelsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final List<String> CAMERAS = TestFrames.cameras(3);
    static final int FRAMES_PER_CAMERA = 8;

    static TestKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    /**
     * Both routings: by camera (keyBy) and by partition (no shuffle; the frames are keyed by camera id, so
     * a camera's frames are in one partition and stay in order). Each run has its own topics.
     */
    @ParameterizedTest(name = "--route-by {0}")
    @ValueSource(strings = {"camera", "partition"})
    void everyFrameGetsOneLabelWithTheRightClassInCameraOrder(String routing) throws Exception {
        String framesTopic = "frames-" + routing, labelsTopic = "labels-" + routing, dlqTopic = "dlq-" + routing;
        kafka.createTopics(Map.of(framesTopic, 3, labelsTopic, 2, dlqTopic, 1));
        List<Picture> pictures = List.of(
                TestFrames.jpeg("tflite-support_burger.jpg", 934),
                TestFrames.png("coral_cat.bmp", 286),
                TestFrames.rawFile("coral_bird.rgb", 224, 20),
                TestFrames.jpeg("coral_parrot.jpg", 89),
                TestFrames.raw("tflite-support_grace_hopper.jpg", 653),
                TestFrames.bmp("coral_grace_hopper.bmp", 653),
                TestFrames.png("tflite-support_burger.jpg", 934));
        Map<String, Integer> expected = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> frames = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int seq = 0; seq < FRAMES_PER_CAMERA; seq++) {
            for (int c = 0; c < CAMERAS.size(); c++) {
                Picture p = pictures.get((seq + 2 * c) % pictures.size());
                frames.add(TestFrames.record(framesTopic, CAMERAS.get(c), seq, now, p));
                expected.put(CAMERAS.get(c) + "#" + seq, p.expectedClass());
            }
        }
        kafka.produce(frames);

        // The real entry point, as flink run calls it; bounded, so it returns when every frame is done.
        MobileNetJob.main(new String[] {
                "--bootstrap-servers", kafka.bootstrap(), "--starting-offsets", "earliest", "--bounded",
                "--input-topic", framesTopic, "--output-topic", labelsTopic, "--dlq-topic", dlqTopic,
                "--group-id", "labels-itcase-" + routing, "--route-by", routing,
                "--model", TestFrames.FLAGSHIP, "--batch-size", "4", "--batch-timeout-ms", "50", "--top", "3",
                "--checkpoint-interval-ms", "1000", "--warmup-ms", "3000", "--job-name", "labels-itcase-" + routing});

        List<Labels.Read> labels = Labels.parse(kafka.readAll(labelsTopic, false));
        assertEquals(frames.size(), labels.size(), "one label per frame");
        assertEquals(expected.keySet(), labels.stream().map(Labels.Read::id).collect(Collectors.toSet()));
        for (Labels.Read l : labels) {
            assertEquals(expected.get(l.id()), l.top1(), "top-1 class of " + l.id() + ": " + l.json());
            assertEquals(l.camera(), l.key(), "labels are keyed by camera id");
            assertEquals(3, l.json().get("top").size());
            assertEquals(now, l.json().get("capture_ts").asLong());
            assertTrue(l.json().get("inference_ts").asLong() >= now, l.json().toString());
            assertEquals(l.json().get("inference_ts").asLong() - now, l.json().get("end_to_end_ms").asLong());
            assertEquals("mobilenet_v1_1.0_224_quant_embedding_extractor+mobilenet_quant_v1_224_head_layers",
                    l.json().get("model").asText());
        }
        List<Long> inOrder = LongStream.range(0, FRAMES_PER_CAMERA).boxed().toList();
        Map<String, List<Long>> sequences = Labels.sequencesByCamera(labels);
        for (String camera : CAMERAS) {
            assertEquals(inOrder, sequences.get(camera), "labels of " + camera + " in frame order");
        }
        assertEquals(0, kafka.readAll(dlqTopic, false).size(), "no good frame is a dead letter");
    }
}
