package org.flinkmobilenet.job;

import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.flinkmobilenet.job.DeliverySettings.Delivery;
import org.flinkmobilenet.operators.DeadLetter;
import org.flinkmobilenet.operators.Label;
import org.flinkmobilenet.operators.RawFrame;

/** The job's Kafka source and sinks, built from the options. */
public final class KafkaIO {

    private KafkaIO() {}

    @SuppressWarnings("deprecation") // OffsetResetStrategy: the connector has no other way to say "committed, else latest"
    public static KafkaSource<RawFrame> frameSource(JobOptions options) {
        KafkaSettings k = options.kafka();
        KafkaSourceBuilder<RawFrame> b = KafkaSource.<RawFrame>builder()
                .setBootstrapServers(k.bootstrapServers())
                .setProperties(k.clientPropertiesCopy())
                .setTopics(k.inputTopic())
                .setGroupId(k.groupId())
                .setStartingOffsets(switch (k.startingOffsets()) {
                    case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
                    case EARLIEST -> OffsetsInitializer.earliest();
                    case LATEST -> OffsetsInitializer.latest();
                })
                .setDeserializer(new FrameDeserializer());
        if (k.bounded()) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    public static KafkaSink<Label> labelSink(JobOptions options) {
        return sink(options, new LabelSerializer(options.kafka().outputTopic()), "labels");
    }

    public static KafkaSink<DeadLetter> deadLetterSink(JobOptions options) {
        return sink(options, new DeadLetterSerializer(options.kafka().deadLetterTopic()), "dlq");
    }

    private static <T> KafkaSink<T> sink(JobOptions options, KafkaRecordSerializationSchema<T> serializer, String which) {
        DeliverySettings d = options.delivery();
        Properties producer = options.kafka().clientPropertiesCopy();
        boolean exactlyOnce = d.delivery() == Delivery.EXACTLY_ONCE;
        if (exactlyOnce) {
            producer.setProperty("transaction.timeout.ms", Long.toString(d.transactionTimeoutMs()));
        }
        return KafkaSink.<T>builder()
                .setBootstrapServers(options.kafka().bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
                // Two sinks write transactions: each needs its own transactional ids.
                .setTransactionalIdPrefix(d.transactionalIdPrefix() + "-" + which)
                .build();
    }
}
