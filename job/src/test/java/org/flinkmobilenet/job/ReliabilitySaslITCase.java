package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.flinkmobilenet.job.TestFrames.Picture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, item 5: the job against a broker that requires authentication (SASL_PLAINTEXT, PLAIN,
 * ACLs on, no access without one), configured only through the {@code --kafka.*} pass-through. With
 * the right credentials every frame is labelled; with a wrong password, or a user without ACLs, the job
 * fails with Kafka's authentication or authorization error instead of running on without input.
 * (SASL_SSL takes the same pass-through plus the {@code ssl.*} properties; see the README.)
 */
class ReliabilitySaslITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
            .setConfiguration(Configuration.fromMap(Map.of("restart-strategy.type", "none"))).build());

    static KafkaClusterTestKit kafka;
    /** The test kit points this JVM-wide property at the broker's JAAS file; restored for the tests after this one. */
    static final String JAAS_PROPERTY = "java.security.auth.login.config";
    static String jaasBefore;

    @BeforeAll
    static void startKafka() throws Exception {
        jaasBefore = System.getProperty(JAAS_PROPERTY);
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumControllerNodes(1).setNumBrokerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "2")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        try (Admin admin = Admin.create(client())) {
            admin.createTopics(List.of(new NewTopic("frames", 2, (short) 1), new NewTopic("labels", 2, (short) 1),
                    new NewTopic("frames-dlq", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
        if (jaasBefore == null) {
            System.clearProperty(JAAS_PROPERTY);
        } else {
            System.setProperty(JAAS_PROPERTY, jaasBefore);
        }
    }

    /** The test's own clients: the super user the test kit creates. */
    static Properties client() {
        Properties p = kafka.clientProperties();
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", jaas(JaasUtils.KAFKA_PLAIN_ADMIN, JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD));
        return p;
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    static String[] options(String user, String password) {
        return new String[] {"--bootstrap-servers", kafka.bootstrapServers(), "--starting-offsets", "earliest", "--bounded",
                "--model", TestFrames.FLAGSHIP, "--warmup-ms", "0", "--group-id", "sasl-" + user + "-" + password,
                "--kafka.security.protocol=SASL_PLAINTEXT", "--kafka.sasl.mechanism=PLAIN",
                "--kafka.sasl.jaas.config=" + jaas(user, password)};
    }

    static JobClient submit(String[] args) throws Exception {
        JobOptions options = JobOptions.parse(args, TestFrames.ROOT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MobileNetPipeline.configure(env, options);
        MobileNetPipeline.build(env, options, KafkaIO.frameSource(options), KafkaIO.labelSink(options),
                KafkaIO.deadLetterSink(options));
        return env.executeAsync("sasl-itcase");
    }

    @Test
    void withTheRightCredentialsEveryFrameIsLabelled() throws Exception {
        List<String> cameras = TestFrames.cameras(2);
        Picture parrot = TestFrames.jpeg("coral_parrot.jpg", 89);
        Properties p = client();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int seq = 0; seq < 3; seq++) {
                for (String camera : cameras) {
                    ProducerRecord<byte[], byte[]> r = TestFrames.record("frames", camera, seq, System.currentTimeMillis(), parrot);
                    producer.send(r).get();
                }
            }
        }
        JobClient job = submit(options(JaasUtils.KAFKA_PLAIN_ADMIN, JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD));
        job.getJobExecutionResult().get(TestKafka.PATIENCE.toSeconds(), TimeUnit.SECONDS); // bounded: ends by itself

        List<Labels.Read> labels = Labels.parse(readAll("labels"));
        assertEquals(6, labels.size(), labels.toString());
        assertTrue(labels.stream().allMatch(l -> l.top1() == 89), labels.toString());
    }

    @Test
    void aWrongPasswordFailsTheJobWithKafkasAuthenticationError() throws Exception {
        JobClient job = submit(options(JaasUtils.KAFKA_PLAIN_ADMIN, "not-the-password"));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> job.getJobExecutionResult().get(TestKafka.PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertTrue(ExceptionUtils.findThrowable(e, SaslAuthenticationException.class).isPresent(), ExceptionUtils.stringifyException(e));
    }

    @Test
    void aUserWithoutAclsFailsTheJobWithKafkasAuthorizationError() throws Exception {
        JobClient job = submit(options(JaasUtils.KAFKA_PLAIN_USER1, JaasUtils.KAFKA_PLAIN_USER1_PASSWORD));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> job.getJobExecutionResult().get(TestKafka.PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertTrue(ExceptionUtils.findThrowable(e, AuthorizationException.class).isPresent(), ExceptionUtils.stringifyException(e));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(client(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    fail("could not read " + topic + " to " + end);
                }
                c.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }
}
