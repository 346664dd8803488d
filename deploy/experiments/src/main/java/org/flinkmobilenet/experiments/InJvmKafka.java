package org.flinkmobilenet.experiments;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka broker inside this JVM ({@code KafkaClusterTestKit}, the job's
 * kafka-clients version), with the admin calls the experiment needs.
 */
final class InJvmKafka implements AutoCloseable {

    /** Frame topics keep at most this much per partition; old segments go, so a long run does not fill the disk. */
    static final long RETENTION_BYTES_PER_PARTITION = 768L << 20;

    private final KafkaClusterTestKit cluster;
    private final Admin admin;

    private InJvmKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
    }

    static InJvmKafka start() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumControllerNodes(1).setNumBrokerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "2")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "2")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("log.retention.check.interval.ms", "10000")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new InJvmKafka(cluster);
    }

    String bootstrap() {
        return cluster.bootstrapServers();
    }

    void createTopic(String name, int partitions, boolean frames) throws Exception {
        NewTopic topic = new NewTopic(name, partitions, (short) 1);
        if (frames) {
            topic.configs(Map.of("retention.bytes", Long.toString(RETENTION_BYTES_PER_PARTITION),
                    "segment.bytes", Integer.toString(64 << 20)));
        }
        admin.createTopics(List.of(topic)).all().get();
    }

    boolean topicExists(String name) throws Exception {
        return admin.listTopics().names().get().contains(name);
    }

    void deleteTopics(List<String> names) throws Exception {
        admin.deleteTopics(names).all().get();
    }

    /** The next offset of every partition of {@code topic}. */
    Map<Integer, Long> endOffsets(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<Integer, Long> out = new HashMap<>();
        admin.listOffsets(ask).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }

    /** Commits offsets for a group that has no members, so a job started with "committed" begins there. */
    void commitGroupOffsets(String group, String topic, Map<Integer, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((p, o) -> commit.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
        admin.alterConsumerGroupOffsets(group, commit).all().get();
    }

    KafkaProducer<byte[], byte[]> producer(String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 << 20));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void close() throws Exception {
        admin.close();
        cluster.close();
    }
}
