package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.flinkmobilenet.job.TestFrames.Picture;
import org.flinkmobilenet.operators.Label;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, test 3: exactly-once delivery with a failure injected mid-stream, after a checkpoint has
 * completed. The job restarts from that checkpoint and replays the frames after it; a read_committed
 * consumer must still see every frame's label exactly once, in camera order.
 *
 * <p>Two phases make "mid-stream, after a checkpoint" certain rather than a matter of timing: the
 * first batch of frames is sent, the test waits until its labels are committed (which takes a
 * completed checkpoint) and until the failing operator has seen that checkpoint complete; only then
 * is the second batch sent, and its first label in that subtask triggers the failure.
 */
class ExactlyOnceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(Configuration.fromMap(Map.of(
                    "restart-strategy.type", "fixed-delay",
                    "restart-strategy.fixed-delay.attempts", "3",
                    "restart-strategy.fixed-delay.delay", "200 ms"))).build());

    static final List<String> CAMERAS = TestFrames.cameras(3);
    static final int FRAMES_PER_PHASE = 4;

    static TestKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start();
        kafka.createTopics(Map.of("frames", 3, "labels", 2, "frames-dlq", 1));
        FailOnceAfterCheckpoint.reset();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void everyLabelIsCommittedExactlyOnceAcrossAFailure(@TempDir Path savepoints) throws Exception {
        JobOptions options = JobOptions.parse(new String[] {
                "--bootstrap-servers", kafka.bootstrap(), "--starting-offsets", "earliest", "--model", TestFrames.FLAGSHIP,
                "--delivery", "exactly-once", "--checkpoint-interval-ms", "300", "--transaction-timeout-ms", "60000",
                "--max-recovery-ms", "30000", "--transactional-id-prefix", "eos-itcase",
                "--batch-size", "2", "--batch-timeout-ms", "20", "--warmup-ms", "500"}, TestFrames.ROOT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MobileNetPipeline.configure(env, options);
        MobileNetPipeline.Classified classified = MobileNetPipeline.classify(
                MobileNetPipeline.read(env, KafkaIO.frameSource(options)), options.classifier());
        new MobileNetPipeline.Classified(
                classified.labels().map(new FailOnceAfterCheckpoint()).name("fail once (test)").uid("fail-once"),
                classified.deadLetters())
                .sinkTo(KafkaIO.labelSink(options), KafkaIO.deadLetterSink(options));
        JobClient job = env.executeAsync("exactly-once-itcase");

        kafka.produce(frames(0));
        kafka.readUntil("labels", true, r -> r.size() >= CAMERAS.size() * FRAMES_PER_PHASE);
        assertTrue(FailOnceAfterCheckpoint.ARMED.await(TestKafka.PATIENCE.toSeconds(), TimeUnit.SECONDS),
                "no subtask saw a checkpoint complete after passing labels on");

        FailOnceAfterCheckpoint.KAFKA = kafka;
        FailOnceAfterCheckpoint.OPEN.set(true);
        kafka.produce(frames(FRAMES_PER_PHASE));
        int all = CAMERAS.size() * 2 * FRAMES_PER_PHASE;
        kafka.readUntil("labels", true, r -> r.size() >= all);
        assertTrue(FailOnceAfterCheckpoint.FAILED.get(), "the failure was injected");
        assertTrue(FailOnceAfterCheckpoint.failedAtSeq >= FRAMES_PER_PHASE,
                "the failure hit a frame of the second batch, not " + FailOnceAfterCheckpoint.failedAtSeq);

        // Drain: the sources end, the last transaction commits, the job finishes.
        job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.DEFAULT).get();
        assertEquals(JobStatus.FINISHED, job.getJobStatus().get());

        List<Labels.Read> labels = Labels.parse(kafka.readAll("labels", true));
        Map<String, Long> copies = labels.stream().collect(Collectors.groupingBy(Labels.Read::id, Collectors.counting()));
        assertEquals(all, copies.size(), "every frame has a label: " + copies.keySet());
        assertEquals(Map.of(), copies.entrySet().stream().filter(e -> e.getValue() != 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "labels seen more than once");
        List<Long> inOrder = LongStream.range(0, 2 * FRAMES_PER_PHASE).boxed().toList();
        Map<String, List<Long>> sequences = Labels.sequencesByCamera(labels);
        for (String camera : CAMERAS) {
            assertEquals(inOrder, sequences.get(camera), "labels of " + camera + " in frame order");
        }
        assertEquals(0, kafka.readAll("frames-dlq", true).size());
        // The labels written before the failure are still in the log, in an aborted transaction: a
        // read_uncommitted consumer sees them twice. That is what read_committed was protected from.
        assertTrue(kafka.readAll("labels", false).size() > all, "the failure left an aborted transaction behind");
    }

    private static List<ProducerRecord<byte[], byte[]>> frames(int firstSeq) throws Exception {
        List<Picture> pictures = List.of(TestFrames.jpeg("coral_parrot.jpg", 89), TestFrames.jpeg("tflite-support_burger.jpg", 934));
        long now = System.currentTimeMillis();
        List<ProducerRecord<byte[], byte[]>> frames = new ArrayList<>();
        for (int seq = firstSeq; seq < firstSeq + FRAMES_PER_PHASE; seq++) {
            for (String camera : CAMERAS) {
                frames.add(TestFrames.record("frames", camera, seq, now, pictures.get(seq % pictures.size())));
            }
        }
        return frames;
    }

    /**
     * Passes labels on unchanged, except once in the whole test. Once the test has opened the gate, a
     * subtask that has passed labels on and then seen a checkpoint complete waits for two labels in a
     * row with no checkpoint barrier between them, waits until they are in the labels topic (inside
     * the open transaction, which no checkpoint has covered), and throws on the next one. State is
     * static because the restarted operator is a new instance in the same JVM and must not fail again.
     */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<Label, Label>
            implements CheckpointListener, CheckpointedFunction {

        static final AtomicBoolean OPEN = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static volatile CountDownLatch ARMED = new CountDownLatch(1);
        static volatile long failedAtSeq = -1;
        static volatile TestKafka KAFKA;

        private transient long passed;
        private transient boolean armed;
        private transient List<String> passedSinceOpen;

        static void reset() {
            OPEN.set(false);
            FAILED.set(false);
            ARMED = new CountDownLatch(1);
            failedAtSeq = -1;
        }

        @Override
        public Label map(Label label) {
            if (passedSinceOpen == null) {
                passedSinceOpen = new ArrayList<>();
            }
            if (armed && OPEN.get() && passedSinceOpen.size() >= 2 && FAILED.compareAndSet(false, true)) {
                failedAtSeq = label.frameSeq;
                // The sink's producer sends on its own thread; wait until the broker has the labels.
                KAFKA.readUntil("labels", false, r -> Labels.parse(r).stream().map(Labels.Read::id)
                        .collect(Collectors.toSet()).containsAll(passedSinceOpen));
                throw new IllegalStateException("injected failure (test) before label " + label.cameraId + "#" + label.frameSeq);
            }
            passed++;
            if (armed && OPEN.get()) {
                passedSinceOpen.add(label.cameraId + "#" + label.frameSeq);
            }
            return label;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            // Labels passed before this barrier belong to the transaction this checkpoint commits.
            if (passedSinceOpen != null) {
                passedSinceOpen.clear();
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (passed > 0 && !FAILED.get()) {
                armed = true;
                ARMED.countDown();
            }
        }
    }
}
