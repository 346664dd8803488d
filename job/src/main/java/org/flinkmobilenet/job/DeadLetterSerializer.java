package org.flinkmobilenet.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.flinkmobilenet.operators.DeadLetter;
import org.flinkmobilenet.operators.RawFrame;

/**
 * A dead letter to a dead-letter-topic record: the original key, value and headers, then two more
 * headers, {@value #ERROR_CLASS} (the reason code, e.g. {@code stale}) and {@value #ERROR} (a sentence
 * for people). Added last, so a frame that was already a dead letter once keeps its history and
 * {@code lastHeader} gives the newest reason.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    public static final String ERROR = "error";
    public static final String ERROR_CLASS = "error-class";

    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RawFrame raw = letter.raw;
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < raw.headerNames.length; i++) {
            headers.add(new RecordHeader(raw.headerNames[i], raw.headerValues[i]));
        }
        headers.add(new RecordHeader(ERROR, utf8(letter.message)));
        headers.add(new RecordHeader(ERROR_CLASS, utf8(letter.reason)));
        return new ProducerRecord<>(topic, null, null, raw.key, raw.value, headers);
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
