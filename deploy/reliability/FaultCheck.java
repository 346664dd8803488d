import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * After a fault experiment: did every frame the cameras got into Kafka come out, and how long did the
 * job take to recover from each fault? A single-file program (java FaultCheck.java, Java 11+) on the
 * broker's class path; it needs nothing of the project.
 *
 * <pre>
 * java -cp KAFKA_CLASSPATH deploy/reliability/FaultCheck.java --bootstrap-servers localhost:19092
 *      --delivery at-least-once|exactly-once [--event NAME=EPOCH_MS ...] [--latency-threshold-ms 1000]
 *      [--drain-seconds 180] [--dump LABELS.tsv]
 * </pre>
 *
 * Frames are identified by their camera-id and frame-seq headers; labels by their camera_id and
 * frame_seq fields; dead letters by the original headers they keep. With exactly-once the labels
 * are read as a {@code read_committed} consumer reads them, and any label seen twice is a failure;
 * with at-least-once repeats are counted, and only a frame without a label or dead letter fails.
 *
 * <p>For each event (a kill, a stop, a start, in epoch ms), from the labels' own inference times:
 * the first label the job produced after it, the longest pause in the labels around it, and when it
 * caught up: the moment after which every label's capture-to-label latency is under the threshold.
 * Prints one line per finding and, last, one JSON object.
 */
public class FaultCheck {

    static final Pattern LABEL = Pattern.compile(
            "\"camera_id\":\"((?:[^\"\\\\]|\\\\.)*)\",\"frame_seq\":(-?\\d+),\"capture_ts\":(-?\\d+),\"inference_ts\":(-?\\d+)");

    /** Events that start a recovery of their own (as opposed to a restart or a start, which are part of one). */
    static final Pattern FAULTS = Pattern.compile("(kill|stop)$");

    record Label(String id, long captureTs, long inferenceTs) {
        long latency() {
            return inferenceTs - captureTs;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("delivery", "at-least-once", "latency-threshold-ms", "1000",
                "drain-seconds", "180", "frames-topic", "frames", "labels-topic", "labels", "dlq-topic", "frames-dlq"));
        Map<String, Long> events = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--event")) {
                String[] e = args[i + 1].split("=", 2);
                events.put(e[0], Long.parseLong(e[1]));
            } else {
                o.put(args[i].substring(2), args[i + 1]);
            }
        }
        boolean exactlyOnce = o.get("delivery").equals("exactly-once");
        long threshold = Long.parseLong(o.get("latency-threshold-ms"));

        Set<String> frames = new HashSet<>(); // camera#seq
        for (ConsumerRecord<byte[], byte[]> r : readAll(o.get("bootstrap-servers"), o.get("frames-topic"), false)) {
            frames.add(header(r, "camera-id") + "#" + header(r, "frame-seq"));
        }
        say("frames in the frames topic: %d", frames.size());

        // Labels and dead letters, read again until every frame has one or the drain time is over
        // (exactly-once labels become visible only when the checkpoint after them completes).
        long deadline = System.nanoTime() + Long.parseLong(o.get("drain-seconds")) * 1_000_000_000L;
        List<Label> labels;
        Set<String> dead;
        Set<String> missing;
        while (true) {
            labels = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : readAll(o.get("bootstrap-servers"), o.get("labels-topic"), exactlyOnce)) {
                Matcher m = LABEL.matcher(new String(r.value(), StandardCharsets.UTF_8));
                if (!m.find()) {
                    throw new IllegalStateException("not a label: " + new String(r.value(), StandardCharsets.UTF_8));
                }
                labels.add(new Label(m.group(1) + "#" + m.group(2), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
            }
            dead = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : readAll(o.get("bootstrap-servers"), o.get("dlq-topic"), exactlyOnce)) {
                dead.add(header(r, "camera-id") + "#" + header(r, "frame-seq"));
            }
            missing = new HashSet<>(frames);
            for (Label l : labels) {
                missing.remove(l.id());
            }
            missing.removeAll(dead);
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(2000);
        }
        Map<String, Integer> copies = new HashMap<>();
        labels.forEach(l -> copies.merge(l.id(), 1, Integer::sum));
        long repeats = copies.values().stream().filter(c -> c > 1).mapToLong(c -> c - 1).sum();
        long repeatedFrames = copies.values().stream().filter(c -> c > 1).count();
        long unknown = copies.keySet().stream().filter(id -> !frames.contains(id)).count();
        say("labels (%s): %d records for %d frames; %d frames labelled more than once (%d extra copies); "
                        + "%d dead letters; %d frames with neither; %d labels of frames not in the topic",
                exactlyOnce ? "read_committed" : "read_uncommitted", labels.size(), copies.size(), repeatedFrames, repeats,
                dead.size(), missing.size(), unknown);
        if (!missing.isEmpty()) {
            say("missing, e.g.: %s", missing.stream().sorted().limit(10).toList());
        }

        labels.sort((a, b) -> Long.compare(a.inferenceTs(), b.inferenceTs()));
        if (o.containsKey("dump")) { // every label: id, capture-ts, inference-ts (for another look at the run)
            StringBuilder dump = new StringBuilder();
            labels.forEach(l -> dump.append(l.id()).append('\t').append(l.captureTs()).append('\t').append(l.inferenceTs()).append('\n'));
            java.nio.file.Files.writeString(java.nio.file.Path.of(o.get("dump")), dump);
        }
        long firstEvent = events.values().stream().min(Long::compare).orElse(Long.MAX_VALUE);
        long[] before = labels.stream().filter(l -> l.inferenceTs() < firstEvent).mapToLong(Label::latency).sorted().toArray();
        long[] all = labels.stream().mapToLong(Label::latency).sorted().toArray();
        say("latency before the first fault: p50 %d ms, p99 %d ms (%d labels); over the whole run: p50 %d, p99 %d, max %d ms",
                q(before, 0.5), q(before, 0.99), before.length, q(all, 0.5), q(all, 0.99), all.length == 0 ? -1 : all[all.length - 1]);

        StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                "{\"delivery\": \"%s\", \"frames\": %d, \"labelled\": %d, \"label_records\": %d, \"repeated_frames\": %d, "
                        + "\"dead_letters\": %d, \"missing\": %d, \"latency_p99_before_ms\": %d, \"events\": {",
                o.get("delivery"), frames.size(), copies.size(), labels.size(), repeatedFrames, dead.size(), missing.size(),
                q(before, 0.99)));
        List<Long> times = labels.stream().map(Label::inferenceTs).toList();
        boolean firstJson = true;
        for (Map.Entry<String, Long> e : events.entrySet()) {
            long at = e.getValue();
            // Catching up is judged up to the next fault (a kill or a stop), which starts a recovery of its own.
            long until = events.entrySet().stream().filter(f -> f.getValue() > at && FAULTS.matcher(f.getKey()).find())
                    .mapToLong(Map.Entry::getValue).min().orElse(Long.MAX_VALUE);
            Long next = null;
            for (Label l : labels) {
                if (l.inferenceTs() >= at) {
                    next = l.inferenceTs();
                    break;
                }
            }
            // The longest pause between consecutive labels that overlaps the time from the event to the next fault.
            long gap = 0;
            for (int i = 1; i < times.size(); i++) {
                if (times.get(i) >= at && times.get(i - 1) < until) {
                    gap = Math.max(gap, Math.min(times.get(i), until) - Math.max(times.get(i - 1), at));
                }
            }
            long lastSlow = at;
            for (Label l : labels) {
                if (l.inferenceTs() >= at && l.inferenceTs() < until && l.latency() > threshold) {
                    lastSlow = l.inferenceTs();
                }
            }
            // Caught up: fast labels followed the last slow one before the next fault came (or the run ended).
            long slowUntil = lastSlow;
            boolean caughtUp = labels.stream().anyMatch(l -> l.inferenceTs() > slowUntil && l.inferenceTs() < until);
            String caught = caughtUp ? String.format(Locale.ROOT, "%.1f", (lastSlow - at) / 1000.0) : "null";
            say("%-14s first label after it %s, longest pause in labels %.1f s, caught up (latency under %d ms from then on) %s",
                    e.getKey(), next == null ? "never" : String.format(Locale.ROOT, "%.1f s", (next - at) / 1000.0), gap / 1000.0,
                    threshold, caughtUp ? "after " + caught + " s" : "not before the next fault");
            json.append(firstJson ? "" : ", ").append(String.format(Locale.ROOT,
                    "\"%s\": {\"first_label_s\": %s, \"longest_pause_s\": %.1f, \"caught_up_s\": %s}", e.getKey(),
                    next == null ? "null" : String.format(Locale.ROOT, "%.1f", (next - at) / 1000.0), gap / 1000.0, caught));
            firstJson = false;
        }
        boolean ok = missing.isEmpty() && unknown == 0 && !(exactlyOnce && repeats > 0) && !frames.isEmpty();
        System.out.println(json.append("}, \"ok\": ").append(ok).append('}'));
        System.exit(ok ? 0 : 1);
    }

    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, boolean readCommitted) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        p.put("max.partition.fetch.bytes", Integer.toString(8 << 20));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to " + end);
                }
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    static long q(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
    }

    static void say(String format, Object... args) {
        System.err.println("check: " + String.format(Locale.ROOT, format, args));
    }
}
