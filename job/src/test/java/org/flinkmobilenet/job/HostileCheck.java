package org.flinkmobilenet.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The other half of {@link HostileFrames#main}: reads the labels and dead-letter topics of a running job
 * and checks every frame of an expectations file got its outcome (a label for the right camera and
 * frame, or a dead letter with the right reason). Other traffic in the topics is ignored: dead letters
 * without a {@value HostileFrames#ID} header, labels of cameras not in the file. Waits up to
 * {@code --drain-seconds} for the job to catch up; prints the findings and exits 1 on any mismatch.
 *
 * <pre>
 * HostileCheck --bootstrap-servers H:P --expect FILE [--labels-topic labels] [--dlq-topic frames-dlq] [--drain-seconds 120]
 * </pre>
 */
public final class HostileCheck {

    private HostileCheck() {}

    record Expected(String id, String kind, String outcome, String labelId, int expectedClass) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("labels-topic", "labels", "dlq-topic", "frames-dlq", "drain-seconds", "120"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        Map<String, Expected> byId = new HashMap<>();
        Map<String, Expected> byLabel = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(o.get("expect")))) {
            String[] f = line.split("\t");
            Expected e = new Expected(f[0], f[1], f[2], f[3] + "#" + f[4], Integer.parseInt(f[5]));
            byId.put(e.id(), e);
            if (e.outcome().equals(HostileFrames.LABEL)) {
                byLabel.put(e.labelId(), e);
            }
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, List<String>> got = new HashMap<>(); // id -> outcomes seen
        long deadline = System.nanoTime() + Long.parseLong(o.get("drain-seconds")) * 1_000_000_000L;
        try (KafkaConsumer<byte[], byte[]> c = consumer(o.get("bootstrap-servers"), o.get("labels-topic"), o.get("dlq-topic"))) {
            while (got.size() < byId.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(o.get("dlq-topic"))) {
                        Header id = r.headers().lastHeader(HostileFrames.ID);
                        Header reason = r.headers().lastHeader("error-class");
                        if (id != null && byId.containsKey(text(id.value()))) {
                            got.computeIfAbsent(text(id.value()), k -> new ArrayList<>()).add(reason == null ? "?" : text(reason.value()));
                        }
                    } else {
                        JsonNode label = json.readTree(r.value());
                        Expected e = byLabel.get(label.get("camera_id").asText() + "#" + label.get("frame_seq").asLong());
                        if (e != null) {
                            int top1 = label.get("top").get(0).get("index").asInt();
                            got.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e.expectedClass() < 0
                                    || top1 == e.expectedClass() ? HostileFrames.LABEL : "label of class " + top1);
                        }
                    }
                }
            }
        }
        Map<String, int[]> perKind = new TreeMap<>(); // kind -> {right, wrong}
        List<String> problems = new ArrayList<>();
        for (Expected e : byId.values()) {
            List<String> seen = got.getOrDefault(e.id(), List.of());
            boolean right = seen.size() == 1 && seen.get(0).equals(e.outcome());
            perKind.computeIfAbsent(e.kind() + " -> " + e.outcome(), k -> new int[2])[right ? 0 : 1]++;
            if (!right && problems.size() < 20) {
                problems.add(e.id() + " " + e.kind() + ": expected " + e.outcome() + ", got " + (seen.isEmpty() ? "nothing" : seen));
            }
        }
        perKind.forEach((k, v) -> System.err.printf("%-55s %5d right %5d wrong%n", k, v[0], v[1]));
        problems.forEach(p -> System.err.println("wrong: " + p));
        long wrong = perKind.values().stream().mapToLong(v -> v[1]).sum();
        System.out.printf("{\"frames\": %d, \"kinds\": %d, \"right\": %d, \"wrong\": %d}%n", byId.size(), perKind.size(),
                byId.size() - wrong, wrong);
        System.exit(wrong == 0 ? 0 : 1);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String... topics) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : topics) {
            c.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
