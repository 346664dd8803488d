package org.flinkmobilenet.experiments;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a run's labels and dead letters as they arrive, on a thread of its own. Counts them, completes
 * {@link #mark marks} when the count passes a threshold (taking a CPU sample right there), and while
 * latency is being recorded keeps, per label, the time from its {@code capture_ts} to its arrival here
 * (end to end: camera, Kafka, Flink, Kafka, consumer) and the job's own {@code end_to_end_ms}.
 */
final class LabelReader implements AutoCloseable {

    /** A threshold passed: when, how many had arrived, and the CPU counters at that moment. */
    record Mark(long wallNanos, long labels, CpuMeter.Sample cpu) {}

    private record Pending(long threshold, CompletableFuture<Mark> future) {}

    private static final byte[] CAPTURE_TS = "\"capture_ts\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] END_TO_END = "\"end_to_end_ms\":".getBytes(StandardCharsets.UTF_8);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String dlqTopic;
    private final CpuMeter cpu;
    private final Thread thread;
    private final AtomicLong labels = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final List<Pending> pending = new ArrayList<>();
    private volatile boolean stop;
    private volatile long latencyFromMillis = Long.MAX_VALUE;
    private final List<long[]> latencies = new ArrayList<>(); // {capture_ts, arrival - capture_ts, job end_to_end_ms}
    private volatile Exception failure;

    LabelReader(InJvmKafka kafka, String labelTopic, int labelPartitions, String dlqTopic, CpuMeter cpu) {
        this.dlqTopic = dlqTopic;
        this.cpu = cpu;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, CpuMeter.HARNESS_PREFIX + "labels");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (int i = 0; i < labelPartitions; i++) {
            parts.add(new TopicPartition(labelTopic, i));
        }
        parts.add(new TopicPartition(dlqTopic, 0));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::loop, CpuMeter.HARNESS_PREFIX + "reader");
        thread.start();
    }

    long labels() {
        return labels.get();
    }

    long deadLetters() {
        return deadLetters.get();
    }

    /** Completes when at least {@code threshold} labels have arrived. */
    synchronized CompletableFuture<Mark> mark(long threshold) {
        CompletableFuture<Mark> f = new CompletableFuture<>();
        if (labels.get() >= threshold) {
            f.complete(new Mark(System.nanoTime(), labels.get(), cpu.sample()));
        } else {
            pending.add(new Pending(threshold, f));
        }
        return f;
    }

    /** From now on, keep the latency of labels of frames captured at or after {@code captureMillis}. */
    void recordLatencyFrom(long captureMillis) {
        latencyFromMillis = captureMillis;
    }

    /** Latencies kept so far for frames captured in [from, to): {arrival latency, job latency} columns. */
    synchronized long[][] latencies(long fromMillis, long toMillis) {
        List<long[]> in = latencies.stream().filter(l -> l[0] >= fromMillis && l[0] < toMillis).toList();
        long[][] out = new long[2][in.size()];
        for (int i = 0; i < in.size(); i++) {
            out[0][i] = in.get(i)[1];
            out[1][i] = in.get(i)[2];
        }
        return out;
    }

    private void loop() {
        try {
            while (!stop) {
                long n = 0;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    if (r.topic().equals(dlqTopic)) {
                        deadLetters.incrementAndGet();
                        continue;
                    }
                    n++;
                    if (latencyFromMillis != Long.MAX_VALUE) {
                        long capture = number(r.value(), CAPTURE_TS);
                        if (capture >= latencyFromMillis) {
                            long[] l = {capture, System.currentTimeMillis() - capture, number(r.value(), END_TO_END)};
                            synchronized (this) {
                                latencies.add(l);
                            }
                        }
                    }
                }
                if (n > 0) {
                    long total = labels.addAndGet(n);
                    completeMarks(total);
                }
            }
        } catch (Exception e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private synchronized void completeMarks(long total) {
        if (pending.isEmpty()) {
            return;
        }
        Mark now = null;
        for (var it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (total >= p.threshold) {
                if (now == null) {
                    now = new Mark(System.nanoTime(), total, cpu.sample());
                }
                p.future.complete(now);
                it.remove();
            }
        }
    }

    /** The decimal number after {@code key} in a flat JSON object, or -1. */
    static long number(byte[] json, byte[] key) {
        outer:
        for (int i = 0; i + key.length <= json.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (json[i + j] != key[j]) {
                    continue outer;
                }
            }
            long v = 0;
            int k = i + key.length;
            boolean any = false;
            while (k < json.length && json[k] >= '0' && json[k] <= '9') {
                v = v * 10 + (json[k++] - '0');
                any = true;
            }
            return any ? v : -1;
        }
        return -1;
    }

    void checkHealthy() {
        if (failure != null) {
            throw new IllegalStateException("label reader failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(10_000);
    }
}
