package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.flinkmobilenet.job.TestFrames.Picture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, item 3: a soak. The job's maximum throughput is measured first (a backlog of camera frames
 * drained as fast as it goes), then cameras send at {@value #LOAD_PERCENT} % of it for
 * {@code -Dsoak.seconds} (60 by default; 600 or more for the real soak). Every window reports the heap
 * after a full GC, the p50/p99 capture-to-label latency and the backlog (frames sent and not yet
 * labelled); the table is printed and written to {@code target/soak-report.txt}.
 *
 * <p>What is asserted is behaviour: every frame sent is labelled exactly once (nothing lost, no
 * failure, nothing repeated), none is a dead letter, the job is running at the end, and the heap after
 * GC at the end is within {@value #HEAP_GROWTH_LIMIT_MIB} MiB of the heap at the start. Latency and
 * backlog are timings on a shared machine: reported, not asserted.
 */
class SoakITCase {

    static final Prometheus PROMETHEUS = new Prometheus();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(clusterConfig()).build());

    static final int SECONDS = Integer.getInteger("soak.seconds", 60);
    static final int WINDOW_SECONDS = Integer.getInteger("soak.window.seconds", SECONDS >= 300 ? 60 : 15);
    static final int LOAD_PERCENT = 80;
    static final int BACKLOG_FRAMES = Integer.getInteger("soak.backlog", 400);
    static final int HEAP_GROWTH_LIMIT_MIB = 32;
    static final int CAMERAS = 8;

    static TestKafka kafka;

    static Configuration clusterConfig() {
        Map<String, String> c = new LinkedHashMap<>(PROMETHEUS.reporterConfig());
        c.put("restart-strategy.type", "none");
        return Configuration.fromMap(c);
    }

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start();
        kafka.createTopics(Map.of("frames", 4, "labels", 2, "frames-dlq", 1));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void eightyPercentOfTheMaximumThroughputForMinutesLosesNothingAndKeepsTheHeapFlat() throws Exception {
        JobOptions options = JobOptions.parse(new String[] {
                "--bootstrap-servers", kafka.bootstrap(), "--starting-offsets", "earliest", "--model", TestFrames.FLAGSHIP,
                "--batch-size", "4", "--batch-timeout-ms", "20", "--checkpoint-interval-ms", "10000", "--warmup-ms", "5000",
                "--top", "1"}, TestFrames.ROOT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MobileNetPipeline.configure(env, options);
        MobileNetPipeline.build(env, options, KafkaIO.frameSource(options), KafkaIO.labelSink(options),
                KafkaIO.deadLetterSink(options));
        JobClient job = env.executeAsync("soak-itcase");
        List<byte[]> photos = cameraFrames();
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "soak: %d s at %d %% of the measured maximum, windows of %d s, %d cameras, "
                + "JPEG frames of 640 px; machine load before: %s", SECONDS, LOAD_PERCENT, WINDOW_SECONDS, CAMERAS, loadavg()));

        try (Sender sender = new Sender(photos); Receiver receiver = new Receiver()) {
            // Warm: a few frames through every camera, so both slots have run before anything is measured.
            sender.burst(4 * CAMERAS);
            receiver.await(sender.sent(), job);

            // 1. Maximum throughput: a backlog drained as fast as the job goes.
            long firstSeen = receiver.labelsSeen();
            sender.burst(BACKLOG_FRAMES);
            long start = System.nanoTime();
            receiver.await(sender.sent(), job);
            double maxFps = (receiver.labelsSeen() - firstSeen) / ((System.nanoTime() - start) / 1e9);
            double rate = maxFps * LOAD_PERCENT / 100;
            report.add(String.format(Locale.ROOT, "maximum throughput: %.1f frames/s (a backlog of %d); soak rate: %.1f frames/s",
                    maxFps, BACKLOG_FRAMES, rate));

            // 2. The soak: paced sending, a sample every window.
            long heapStart = HostileFramesITCase.heapAfterGc();
            report.add(String.format(Locale.ROOT, "%6s %10s %10s %9s %9s %9s %12s", "t (s)", "sent", "labelled",
                    "p50 (ms)", "p99 (ms)", "backlog", "heap (MiB)"));
            report.add(String.format(Locale.ROOT, "%6d %10d %10d %9s %9s %9d %12.1f", 0, sender.sent(), receiver.labelsSeen(),
                    "-", "-", sender.sent() - receiver.outputs(), heapStart / 1048576.0));
            Thread pacer = sender.paced(rate, SECONDS);
            long soakStart = System.nanoTime();
            for (int w = 1; w * WINDOW_SECONDS <= SECONDS; w++) {
                long windowEnd = soakStart + w * WINDOW_SECONDS * 1_000_000_000L;
                receiver.latencies.clear();
                while (System.nanoTime() < windowEnd) {
                    receiver.poll();
                }
                long backlog = sender.sent() - receiver.outputs();
                long[] lat = receiver.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                report.add(String.format(Locale.ROOT, "%6d %10d %10d %9d %9d %9d %12.1f", w * WINDOW_SECONDS, sender.sent(),
                        receiver.labelsSeen(), quantile(lat, 0.5), quantile(lat, 0.99), backlog,
                        HostileFramesITCase.heapAfterGc() / 1048576.0));
                assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), String.join("\n", report));
            }
            pacer.join();
            receiver.await(sender.sent(), job);
            long heapEnd = HostileFramesITCase.heapAfterGc();
            report.add(String.format(Locale.ROOT, "drained: %d frames sent, %d labels, %d dead letters; heap after GC "
                            + "%.1f MiB at the start, %.1f MiB at the end; machine load after: %s", sender.sent(),
                    receiver.labelsSeen(), receiver.deadLetters, heapStart / 1048576.0, heapEnd / 1048576.0, loadavg()));
            String table = String.join("\n", report);
            System.out.println(table);
            Files.writeString(Path.of("target", "soak-report.txt"), table + "\n");

            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), table);
            assertEquals(0, receiver.deadLetters, table);
            assertEquals(Map.of(), receiver.repeated(), "labels seen more than once\n" + table);
            assertEquals(sender.sent(), receiver.labelsSeen(), "every frame labelled\n" + table);
            assertTrue(heapEnd - heapStart < HEAP_GROWTH_LIMIT_MIB << 20, "heap after GC grew\n" + table);
        }
        job.cancel().get();
    }

    /** The shipped photos as a camera sends them: JPEG, longest side 640 (as {@code ./mobilenet cameras}). */
    private static List<byte[]> cameraFrames() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (String file : List.of("coral_parrot.jpg", "tflite-support_burger.jpg", "coral_cat.bmp", "tflite-support_dogs.jpg")) {
            BufferedImage original = ImageIO.read(TestFrames.IMAGES.resolve(file).toFile());
            double scale = Math.min(1.0, 640.0 / Math.max(original.getWidth(), original.getHeight()));
            int w = (int) Math.round(original.getWidth() * scale), h = (int) Math.round(original.getHeight() * scale);
            BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = rgb.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(original, 0, 0, w, h, null);
            g.dispose();
            frames.add(HostileFrames.encode(rgb, "jpeg"));
        }
        return frames;
    }

    private static long quantile(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** Cameras: frames round-robin over {@value #CAMERAS} cameras, each camera numbering its own. */
    static final class Sender implements AutoCloseable {
        private final List<byte[]> photos;
        private final KafkaProducer<byte[], byte[]> producer;
        private final AtomicLong sent = new AtomicLong();
        private final long[] seq = new long[CAMERAS];

        Sender(List<byte[]> photos) {
            this.photos = photos;
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }

        long sent() {
            return sent.get();
        }

        synchronized void send() {
            long n = sent.get();
            int camera = (int) (n % CAMERAS);
            byte[] jpeg = photos.get((int) (n / CAMERAS % photos.size()));
            ProducerRecord<byte[], byte[]> r = TestFrames.record("frames", "cam-" + camera, seq[camera]++,
                    System.currentTimeMillis(), new Picture("soak", "image/jpeg", jpeg, 0, 0, -1));
            producer.send(r);
            sent.incrementAndGet();
        }

        void burst(int frames) {
            for (int i = 0; i < frames; i++) {
                send();
            }
            producer.flush();
        }

        /** Sends at {@code fps} for {@code seconds} on a thread of its own. */
        Thread paced(double fps, int seconds) {
            Thread t = new Thread(() -> {
                long start = System.nanoTime(), total = Math.round(fps * seconds);
                for (long i = 0; i < total; i++) {
                    long wait = start + (long) (i * 1e9 / fps) - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    send();
                }
                producer.flush();
            }, "soak-cameras");
            t.start();
            return t;
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    /** Reads labels and dead letters as they come; latencies are the job's capture-to-label times. */
    static final class Receiver implements AutoCloseable {
        private static final ObjectMapper JSON = new ObjectMapper();
        final List<Long> latencies = new ArrayList<>();
        private final Map<String, Integer> copies = new HashMap<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        long labels;
        long deadLetters;

        Receiver() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of("labels", "frames-dlq")) {
                consumer.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void poll() throws Exception {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.topic().equals("frames-dlq")) {
                    deadLetters++;
                    continue;
                }
                JsonNode label = JSON.readTree(r.value());
                copies.merge(label.get("camera_id").asText() + "#" + label.get("frame_seq").asLong(), 1, Integer::sum);
                latencies.add(label.get("end_to_end_ms").asLong());
                labels++;
            }
        }

        long labelsSeen() {
            return copies.size();
        }

        long outputs() {
            return labels + deadLetters;
        }

        Map<String, Integer> repeated() {
            Map<String, Integer> r = new HashMap<>();
            copies.forEach((k, v) -> {
                if (v != 1) {
                    r.put(k, v);
                }
            });
            return r;
        }

        void await(long frames, JobClient job) throws Exception {
            long deadline = System.nanoTime() + TestKafka.PATIENCE.toNanos();
            while (outputs() < frames) {
                if (System.nanoTime() > deadline) {
                    fail("only " + labels + " labels and " + deadLetters + " dead letters for " + frames + " frames; job "
                            + job.getJobStatus().get());
                }
                poll();
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
