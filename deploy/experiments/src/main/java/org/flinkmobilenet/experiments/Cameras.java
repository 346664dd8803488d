package org.flinkmobilenet.experiments;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The cameras: {@value #CAMERAS} camera ids, chosen so that Flink's keyBy gives each of two classify
 * subtasks the same number of cameras (an unlucky set of ids would leave one slot with more work
 * and make the scaling look worse than the engine is). Each camera writes to one partition, in
 * order, with every header of the job's frame format.
 */
final class Cameras implements AutoCloseable {

    static final int CAMERAS = 8;
    static final int PARTITIONS = 2;
    /** Flink's default maximum parallelism, which decides the key groups. */
    static final int MAX_PARALLELISM = 128;

    private final InJvmKafka kafka;
    private final List<String> ids = balancedIds(CAMERAS, 2);
    private final Map<String, long[]> seq = new HashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long next;

    /**
     * Each fill and each paced phase has a producer of its own, closed at its end: a producer keeps the
     * buffers of its batches for reuse, which would otherwise sit in the heap readings.
     */
    Cameras(InJvmKafka kafka) {
        this.kafka = kafka;
        ids.forEach(id -> seq.put(id, new long[1]));
    }

    /** {@code n} ids "cam-i", taking each next id only if its subtask (at {@code parallelism}) still has room. */
    static List<String> balancedIds(int n, int parallelism) {
        int[] perSubtask = new int[parallelism];
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++) {
            String id = "cam-" + i;
            int s = KeyGroupRangeAssignment.assignKeyToParallelOperator(id, MAX_PARALLELISM, parallelism);
            if (perSubtask[s] < n / parallelism) {
                perSubtask[s]++;
                out.add(id);
            }
        }
        return out;
    }

    /** Sends one frame of the next camera, stamped now. */
    private synchronized void send(KafkaProducer<byte[], byte[]> producer, String topic, FrameSet frames) {
        int camera = (int) (next % CAMERAS);
        String id = ids.get(camera);
        byte[] picture = frames.pictures().get((int) (next / CAMERAS % frames.pictures().size()));
        next++;
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, camera % PARTITIONS, utf8(id), picture);
        header(r, "camera-id", id);
        header(r, "frame-seq", Long.toString(seq.get(id)[0]++));
        header(r, "capture-ts", Long.toString(System.currentTimeMillis()));
        header(r, "content-type", frames.contentType());
        if (frames.side() > 0) {
            header(r, "width", Integer.toString(frames.side()));
            header(r, "height", Integer.toString(frames.side()));
        }
        producer.send(r, (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }

    /** Sends {@code count} frames as fast as the broker takes them, and waits until all are stored. */
    void fill(String topic, FrameSet frames, long count) {
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer(CpuMeter.HARNESS_PREFIX + "cameras-fill")) {
            for (long i = 0; i < count; i++) {
                send(producer, topic, frames);
            }
            producer.flush();
        }
        checkDelivered();
    }

    void checkDelivered() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("a camera frame was not accepted by Kafka", e);
        }
    }

    /** Paced sending on a thread of its own; {@link Pacer#sent()} counts frames handed to the producer. */
    Pacer paced(String topic, FrameSet frames, double fps, double seconds) {
        Pacer pacer = new Pacer(topic, frames, fps, seconds);
        pacer.thread.start();
        return pacer;
    }

    final class Pacer {
        private final AtomicLong sent = new AtomicLong();
        private final Thread thread;
        final long startMillis = System.currentTimeMillis();

        private Pacer(String topic, FrameSet frames, double fps, double seconds) {
            thread = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> producer = kafka.producer(CpuMeter.HARNESS_PREFIX + "cameras")) {
                    long start = System.nanoTime(), total = Math.round(fps * seconds);
                    while (sent.get() < total) {
                        long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * fps) + 1);
                        while (sent.get() < due) {
                            send(producer, topic, frames);
                            sent.incrementAndGet();
                        }
                        Thread.sleep(1);
                    }
                    producer.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, CpuMeter.HARNESS_PREFIX + "pacer");
        }

        long sent() {
            return sent.get();
        }

        boolean done() {
            return !thread.isAlive();
        }

        void join() throws InterruptedException {
            thread.join();
        }
    }

    private static void header(ProducerRecord<byte[], byte[]> r, String name, String value) {
        r.headers().add(new RecordHeader(name, utf8(value)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        checkDelivered();
    }
}
