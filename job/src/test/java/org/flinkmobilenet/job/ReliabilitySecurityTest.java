package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.flinkmobilenet.engine.Classifier;
import org.flinkmobilenet.operators.FrameCodec;
import org.flinkmobilenet.operators.RawFrame;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, item 5: what a frame from Kafka can and cannot make the job do. Its bytes are never
 * handed to Java deserialization (no class of the job, the operators or the engine can even name
 * ObjectInputStream, and every type between operators is a POJO, never Kryo's or Java's generic
 * serialization); the Kafka clients only ever produce byte arrays; and the Kafka client settings for
 * TLS and SASL reach the consumer and both producers unchanged.
 */
class ReliabilitySecurityTest {

    /** Class names whose presence in a class file means it can turn bytes into arbitrary objects. */
    static final List<String> DESERIALIZERS = List.of("java/io/ObjectInputStream", "java/beans/XMLDecoder",
            "java/rmi/", "javax/naming/InitialContext", "com/esotericsoftware/kryo/", "org/apache/commons/lang3/SerializationUtils");

    @Test
    void noClassOfOursCanDeserializeJavaObjects() throws Exception {
        Map<String, List<String>> found = new TreeMap<>();
        int scanned = 0;
        for (Class<?> module : List.of(MobileNetJob.class, FrameCodec.class, Classifier.class)) {
            for (Map.Entry<String, byte[]> c : classFiles(module).entrySet()) {
                scanned++;
                String constants = new String(c.getValue(), StandardCharsets.ISO_8859_1);
                for (String name : DESERIALIZERS) {
                    if (constants.contains(name)) {
                        found.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(name);
                    }
                }
            }
        }
        assertTrue(scanned > 100, "only " + scanned + " classes found to scan");
        assertEquals(Map.of(), found);
    }

    @Test
    void theKafkaSourceOnlyEverHandsOverByteArrays() throws Exception {
        // The deserialization schema takes the consumer's byte arrays and copies them into a RawFrame,
        // whose fields are bytes, strings and numbers: nothing that can name a class to instantiate.
        Method deserialize = FrameDeserializer.class.getMethod("deserialize", ConsumerRecord.class,
                Collector.class);
        Type record = deserialize.getGenericParameterTypes()[0];
        assertEquals("org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>", record.getTypeName());
        Type schema = Arrays.stream(FrameDeserializer.class.getGenericInterfaces())
                .filter(t -> t instanceof ParameterizedType p && p.getRawType() == KafkaRecordDeserializationSchema.class)
                .findFirst().orElseThrow();
        assertEquals(RawFrame.class, ((ParameterizedType) schema).getActualTypeArguments()[0]);
        for (Field f : RawFrame.class.getDeclaredFields()) {
            assertTrue(Stream.of(byte[].class, byte[][].class, String.class, String[].class, long.class, int.class)
                    .anyMatch(t -> t == f.getType()), "RawFrame." + f.getName() + " is a " + f.getType());
        }

        // The consumer's own deserializers are the byte-array ones, and cannot be replaced from the command line.
        JobOptions options = JobOptions.parse(new String[] {"--bootstrap-servers", "b:1", "--model", TestFrames.FLAGSHIP},
                TestFrames.ROOT);
        Properties consumer = (Properties) field(KafkaSource.class, "props").get(KafkaIO.frameSource(options));
        assertEquals(ByteArrayDeserializer.class.getName(), consumer.getProperty("key.deserializer"));
        assertEquals(ByteArrayDeserializer.class.getName(), consumer.getProperty("value.deserializer"));
        for (String p : List.of("key.deserializer", "value.deserializer")) {
            InvalidOptionsException e = assertThrows(InvalidOptionsException.class,
                    () -> JobOptions.parse(new String[] {"--bootstrap-servers", "b:1", "--model", TestFrames.FLAGSHIP,
                            "--kafka." + p, "org.example.ObjectDeserializer"}, TestFrames.ROOT));
            assertTrue(e.getMessage().contains("set by the job"), e.getMessage());
        }
    }

    @Test
    void everyTypeBetweenOperatorsIsSerializedWithoutGenericSerializers() throws Exception {
        // With generic types disabled Flink refuses, when the job graph is made, any type it would hand to
        // Kryo. The job's graph must still build.
        JobOptions options = JobOptions.parse(new String[] {"--bootstrap-servers", "b:1", "--model", TestFrames.FLAGSHIP},
                TestFrames.ROOT);
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        MobileNetPipeline.configure(env, options);
        MobileNetPipeline.build(env, options, KafkaIO.frameSource(options), KafkaIO.labelSink(options),
                KafkaIO.deadLetterSink(options));
        assertTrue(env.getStreamGraph().getStreamNodes().size() >= 5);
    }

    @Test
    void tlsAndSaslSettingsReachTheConsumerAndBothProducers() throws Exception {
        Map<String, String> security = new TreeMap<>(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"cam\" password=\"s3cr=t\";",
                "ssl.truststore.location", "/etc/kafka/truststore.p12",
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.password", "changeit",
                "ssl.keystore.location", "/etc/kafka/client.p12",
                "ssl.keystore.password", "changeit",
                "ssl.endpoint.identification.algorithm", "https"));
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", "kafka-1:9093", "--model", TestFrames.FLAGSHIP,
                "--delivery", "exactly-once"));
        security.forEach((k, v) -> args.add("--kafka." + k + "=" + v));
        JobOptions options = JobOptions.parse(args.toArray(String[]::new), TestFrames.ROOT);

        Properties consumer = (Properties) field(KafkaSource.class, "props").get(KafkaIO.frameSource(options));
        Method producerConfig = KafkaSink.class.getDeclaredMethod("getKafkaProducerConfig");
        producerConfig.setAccessible(true);
        Properties labels = (Properties) producerConfig.invoke(KafkaIO.labelSink(options));
        Properties deadLetters = (Properties) producerConfig.invoke(KafkaIO.deadLetterSink(options));
        for (Map.Entry<String, String> s : security.entrySet()) {
            assertEquals(s.getValue(), consumer.getProperty(s.getKey()), "consumer: " + s.getKey());
            assertEquals(s.getValue(), labels.getProperty(s.getKey()), "labels producer: " + s.getKey());
            assertEquals(s.getValue(), deadLetters.getProperty(s.getKey()), "dead-letter producer: " + s.getKey());
        }
    }

    /** Every class file of the module (directory or jar) that holds {@code member}, by name. */
    private static Map<String, byte[]> classFiles(Class<?> member) throws IOException, URISyntaxException {
        Path location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, byte[]> classes = new TreeMap<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                for (Path p : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    classes.put(location.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        } else {
            try (InputStream in = Files.newInputStream(location); ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    if (e.getName().endsWith(".class")) {
                        classes.put(e.getName(), zip.readAllBytes());
                    }
                }
            }
        }
        return classes;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
