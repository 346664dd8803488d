package org.flinkmobilenet.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.flinkmobilenet.operators.Label;
import org.flinkmobilenet.operators.LabelJson;

/**
 * A label to a labels-topic record: key = camera id (so Kafka's default partitioner puts a camera's
 * labels in one partition, in order), value = the label JSON, header content-type: application/json.
 */
public final class LabelSerializer implements KafkaRecordSerializationSchema<Label> {

    private static final long serialVersionUID = 1L;
    private static final byte[] JSON = "application/json".getBytes(StandardCharsets.UTF_8);

    private final String topic;

    public LabelSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Label label, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader("content-type", JSON));
        return new ProducerRecord<>(topic, null, null, label.cameraId.getBytes(StandardCharsets.UTF_8),
                LabelJson.write(label).getBytes(StandardCharsets.UTF_8), headers);
    }
}
