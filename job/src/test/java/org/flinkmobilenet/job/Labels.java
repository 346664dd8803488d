package org.flinkmobilenet.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reading labels back from the labels topic. */
final class Labels {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One label as a consumer sees it: the record's key and partition and the parsed JSON value. */
    record Read(String key, int partition, long offset, JsonNode json) {
        String camera() {
            return json.get("camera_id").asText();
        }

        long seq() {
            return json.get("frame_seq").asLong();
        }

        int top1() {
            return json.get("top").get(0).get("index").asInt();
        }

        String id() {
            return camera() + "#" + seq();
        }
    }

    private Labels() {}

    static List<Read> parse(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> {
            try {
                return new Read(TestFrames.text(r.key()), r.partition(), r.offset(), JSON.readTree(r.value()));
            } catch (IOException e) {
                throw new UncheckedIOException("label is not JSON: " + TestFrames.text(r.value()), e);
            }
        }).toList();
    }

    /** Frame sequence numbers per camera in the order a consumer of each partition reads them. */
    static Map<String, List<Long>> sequencesByCamera(List<Read> labels) {
        return labels.stream()
                .sorted(Comparator.comparingInt(Read::partition).thenComparingLong(Read::offset))
                .collect(Collectors.groupingBy(Read::camera, LinkedHashMap::new,
                        Collectors.mapping(Read::seq, Collectors.toList())));
    }
}
