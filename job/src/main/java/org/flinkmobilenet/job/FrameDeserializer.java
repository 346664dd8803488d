package org.flinkmobilenet.job;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.flinkmobilenet.operators.RawFrame;

/**
 * Kafka record to {@link RawFrame}: copies key, value, headers and position and interprets nothing,
 * so it cannot fail on a bad frame; reading headers is the pipeline's job, where a refusal becomes
 * a dead letter.
 */
public final class FrameDeserializer implements KafkaRecordDeserializationSchema<RawFrame> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawFrame> out) {
        Header[] headers = record.headers().toArray();
        String[] names = new String[headers.length];
        byte[][] values = new byte[headers.length][];
        for (int i = 0; i < headers.length; i++) {
            names[i] = headers[i].key();
            values[i] = headers[i].value();
        }
        out.collect(new RawFrame(record.key(), record.value(), names, values, record.timestamp(),
                record.topic(), record.partition(), record.offset()));
    }

    @Override
    public TypeInformation<RawFrame> getProducedType() {
        return TypeInformation.of(RawFrame.class);
    }
}
