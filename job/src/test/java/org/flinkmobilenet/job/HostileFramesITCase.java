package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.flinkmobilenet.job.HostileFrames.Hostile;
import org.flinkmobilenet.job.HostileFrames.Kind;
import org.flinkmobilenet.operators.MobileNetMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, item 1: thousands of hostile frames (every kind {@link HostileFrames} makes, half of the
 * traffic) mixed into good ones, through the running job. Every bad frame must reach the dead-letter
 * topic once, with its reason and its original bytes; every good one must be labelled once, as the
 * right camera and frame, with the right class where it is known; the job must not fail (the cluster
 * has no restart strategy, so one exception would end it); frames in = labels out + dead letters out
 * in the topics and in the job's metrics; and the heap after a full GC must not grow from one round
 * of frames to the next.
 */
class HostileFramesITCase {

    static final Prometheus PROMETHEUS = new Prometheus();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(clusterConfig()).build());

    /** Round 0 warms everything up; the heap is compared between the end of round 0 and the last. */
    static final int ROUNDS = Integer.getInteger("hostile.rounds", 4);
    static final int FRAMES_PER_ROUND = Integer.getInteger("hostile.frames", 800);
    static final long SEED = Long.getLong("hostile.seed", 8);
    /** How much the heap after GC may grow over the rounds after the first: a leak of a few bytes a frame exceeds it. */
    static final long HEAP_GROWTH_LIMIT = 24L << 20;
    static final int MAX_FRAME_BYTES = 512 * 1024;
    static final long MAX_AGE_MS = 600_000;

    static TestKafka kafka;

    static Configuration clusterConfig() {
        Map<String, String> c = new LinkedHashMap<>(PROMETHEUS.reporterConfig());
        c.put("restart-strategy.type", "none");
        return Configuration.fromMap(c);
    }

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start();
        kafka.createTopics(Map.of("frames", 3, "labels", 2, "frames-dlq", 2));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    /** What was sent, without its bytes (the test must not hold thousands of pictures while it measures the heap). */
    record Sent(String id, Kind kind, String labelId, int expectedClass, long valueCrc) {}

    @Test
    void everyHostileFrameIsADeadLetterWithItsReasonAndEveryGoodOneALabel() throws Exception {
        JobOptions options = JobOptions.parse(new String[] {
                "--bootstrap-servers", kafka.bootstrap(), "--starting-offsets", "earliest", "--model", TestFrames.FLAGSHIP,
                "--max-image-bytes", Integer.toString(MAX_FRAME_BYTES), "--max-frame-age-ms", Long.toString(MAX_AGE_MS),
                "--batch-size", "4", "--batch-timeout-ms", "20", "--checkpoint-interval-ms", "2000", "--warmup-ms", "2000",
                "--top", "1"}, TestFrames.ROOT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MobileNetPipeline.configure(env, options);
        MobileNetPipeline.build(env, options, KafkaIO.frameSource(options), KafkaIO.labelSink(options),
                KafkaIO.deadLetterSink(options));
        JobClient job = env.executeAsync("hostile-frames-itcase");

        HostileFrames generator = new HostileFrames(SEED, new HostileFrames.Settings("frames", TestFrames.cameras(6),
                MAX_FRAME_BYTES, MAX_AGE_MS, 0.5));
        Map<String, Sent> byId = new HashMap<>();
        Map<String, Sent> byLabelId = new HashMap<>();
        List<Long> heap = new ArrayList<>();
        Outputs out = new Outputs();
        try (out; KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < FRAMES_PER_ROUND; i++) {
                    Hostile h = generator.next();
                    Sent s = new Sent(h.id(), h.kind(), h.labelId(), h.expectedClass(), crc(h.record().value()));
                    byId.put(s.id(), s);
                    if (h.kind().good()) {
                        byLabelId.put(s.labelId(), s);
                    }
                    producer.send(h.record());
                }
                producer.flush();
                out.readUntil(byId.size());
                assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "hostile frames must not fail the job");
                heap.add(heapAfterGc());
            }
        }
        System.out.printf("hostile frames: %d rounds of %d (seed %d), %d kinds; heap after GC at the end of each round: %s MiB%n",
                ROUNDS, FRAMES_PER_ROUND, SEED, generator.kinds().size(),
                heap.stream().map(b -> String.format("%.1f", b / 1048576.0)).toList());

        // The topics: each frame once, where it belongs.
        List<String> problems = new ArrayList<>();
        Map<Kind, int[]> perKind = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : out.deadLetters.entrySet()) {
            Sent s = byId.get(e.getKey());
            String got = e.getValue().get(0);
            if (s == null) {
                problems.add("dead letter for an unknown frame " + e.getKey());
            } else if (e.getValue().size() != 1) {
                problems.add(s.id() + " (" + s.kind() + ") is a dead letter " + e.getValue().size() + " times");
            } else if (!got.equals(s.kind().outcome + " " + s.valueCrc())) {
                problems.add(s.id() + " (" + s.kind() + "): expected " + s.kind().outcome + " with the original value, got " + got);
            } else {
                perKind.computeIfAbsent(s.kind(), k -> new int[1])[0]++;
            }
        }
        for (Map.Entry<String, List<Integer>> e : out.labels.entrySet()) {
            Sent s = byLabelId.get(e.getKey());
            if (s == null) {
                problems.add("label for a frame that must not have one: " + e.getKey());
            } else if (e.getValue().size() != 1) {
                problems.add(s.id() + " (" + s.kind() + ") is labelled " + e.getValue().size() + " times");
            } else if (s.expectedClass() >= 0 && e.getValue().get(0) != s.expectedClass()) {
                problems.add(s.id() + " (" + s.kind() + "): class " + e.getValue().get(0) + ", expected " + s.expectedClass());
            } else {
                perKind.computeIfAbsent(s.kind(), k -> new int[1])[0]++;
            }
        }
        for (Sent s : byId.values()) {
            boolean arrived = s.kind().good() ? out.labels.containsKey(s.labelId()) : out.deadLetters.containsKey(s.id());
            if (!arrived) {
                problems.add(s.id() + " (" + s.kind() + ") is missing: expected " + s.kind().outcome);
            }
        }
        assertEquals(List.of(), problems.subList(0, Math.min(problems.size(), 30)), problems.size() + " problems");
        assertEquals(generator.kinds().size(), perKind.size(), "every kind was sent and handled: " + perKind.keySet());
        int good = (int) byId.values().stream().filter(s -> s.kind().good()).count();
        int bad = byId.size() - good;
        assertTrue(bad >= 1000, bad + " bad frames");
        assertEquals(byId.size(), out.labelRecords + out.deadLetterRecords, "frames in = labels out + dead letters out");

        assertMetrics(byId.size(), good, bad);
        assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
        long growth = heap.get(heap.size() - 1) - heap.get(0);
        assertTrue(growth < HEAP_GROWTH_LIMIT, "heap after GC grew by " + growth + " bytes over " + (ROUNDS - 1)
                + " rounds of " + FRAMES_PER_ROUND + " frames: " + heap);
        job.cancel().get();
    }

    /** The job's own counters, as Prometheus scrapes them: the same invariant, and no restart. */
    private static void assertMetrics(int in, int labelsOut, int deadLetters) throws Exception {
        String prefix = "flink_taskmanager_job_task_operator_" + MobileNetMetrics.GROUP + "_";
        String scraped = PROMETHEUS.scrape();
        String all = Prometheus.lines(scraped, prefix);
        assertEquals(in, Prometheus.sum(scraped, prefix + MobileNetMetrics.FRAMES_IN, List.of()), all);
        assertEquals(labelsOut, Prometheus.sum(scraped, prefix + MobileNetMetrics.LABELS_OUT, List.of()), all);
        assertEquals(deadLetters, Prometheus.sum(scraped, prefix + MobileNetMetrics.REASON + "_" + MobileNetMetrics.DEAD_LETTERS,
                List.of()), all);
        assertEquals(0, Prometheus.sum(scraped, "flink_jobmanager_job_numRestarts", List.of()),
                Prometheus.lines(scraped, "numRestarts"));
    }

    /** Labels and dead letters read so far, by frame, with one consumer per topic kept across rounds. */
    static final class Outputs implements AutoCloseable {
        private static final ObjectMapper JSON = new ObjectMapper();
        final Map<String, List<Integer>> labels = new HashMap<>();        // camera#seq -> top-1 of each copy
        final Map<String, List<String>> deadLetters = new HashMap<>();    // hostile id -> "reason crc" of each copy
        int labelRecords, deadLetterRecords;
        private final KafkaConsumer<byte[], byte[]> labelConsumer = consumer("labels");
        private final KafkaConsumer<byte[], byte[]> dlqConsumer = consumer("frames-dlq");

        void readUntil(int total) throws Exception {
            long deadline = System.nanoTime() + TestKafka.PATIENCE.toNanos();
            while (labelRecords + deadLetterRecords < total) {
                if (System.nanoTime() > deadline) {
                    fail("after " + TestKafka.PATIENCE + " only " + labelRecords + " labels and " + deadLetterRecords
                            + " dead letters for " + total + " frames");
                }
                for (ConsumerRecord<byte[], byte[]> r : labelConsumer.poll(Duration.ofMillis(100))) {
                    JsonNode label = JSON.readTree(r.value());
                    labels.computeIfAbsent(label.get("camera_id").asText() + "#" + label.get("frame_seq").asLong(),
                            k -> new ArrayList<>()).add(label.get("top").get(0).get("index").asInt());
                    labelRecords++;
                }
                for (ConsumerRecord<byte[], byte[]> r : dlqConsumer.poll(Duration.ofMillis(100))) {
                    Header id = r.headers().lastHeader(HostileFrames.ID);
                    String error = TestFrames.text(r.headers().lastHeader("error").value());
                    String reason = TestFrames.text(r.headers().lastHeader("error-class").value());
                    deadLetters.computeIfAbsent(id == null ? "no id" : TestFrames.text(id.value()), k -> new ArrayList<>())
                            .add(error.isBlank() ? "no error text" : reason + " " + crc(r.value()));
                    deadLetterRecords++;
                }
            }
        }

        @Override
        public void close() {
            labelConsumer.close();
            dlqConsumer.close();
        }

        private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            return c;
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(1 << 20));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static long crc(byte[] value) {
        if (value == null) {
            return -1;
        }
        CRC32 crc = new CRC32();
        crc.update(value);
        return crc.getValue();
    }

    /** Heap in use after full collections, the smallest of three (a collection can finish a concurrent cycle late). */
    static long heapAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
