package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flinkmobilenet.job.DeliverySettings.Delivery;
import org.flinkmobilenet.job.KafkaSettings.StartingOffsets;
import org.junit.jupiter.api.Test;

class JobOptionsTest {

    static final Path ROOT = TestFrames.ROOT;

    static JobOptions parse(String... args) throws InvalidOptionsException {
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", "broker:9092"));
        all.addAll(Arrays.asList(args));
        return JobOptions.parse(all.toArray(String[]::new), ROOT);
    }

    static String error(String... args) {
        return assertThrows(InvalidOptionsException.class, () -> JobOptions.parse(args, ROOT)).getMessage();
    }

    @Test
    void defaultsMatchTheReadme() throws Exception {
        JobOptions o = parse();
        assertEquals("frames", o.kafka().inputTopic());
        assertEquals("labels", o.kafka().outputTopic());
        assertEquals("frames-dlq", o.kafka().deadLetterTopic());
        assertEquals(StartingOffsets.COMMITTED, o.kafka().startingOffsets());
        assertFalse(o.kafka().bounded());
        assertEquals(Delivery.AT_LEAST_ONCE, o.delivery().delivery());
        assertEquals(1, o.classifier().batchSize());
        assertEquals(5, o.classifier().topK());
        assertEquals(0, o.classifier().maxFrameAgeMs());
        assertEquals(TestFrames.FLAGSHIP, o.classifier().modelSpec(), "the flagship, made absolute at submission");
        assertEquals("mobilenet_v1_1.0_224_quant_embedding_extractor+mobilenet_quant_v1_224_head_layers",
                o.classifier().modelName());
        assertEquals(-1, o.parallelism());
        assertEquals(MobileNetPipeline.Routing.CAMERA, o.routing());
    }

    @Test
    void routingIsCameraOrPartition() throws Exception {
        assertEquals(MobileNetPipeline.Routing.PARTITION, parse("--route-by", "partition").routing());
        assertEquals(MobileNetPipeline.Routing.CAMERA, parse("--route-by=camera").routing());
        String message = error("--bootstrap-servers", "b:1", "--route-by", "round-robin");
        assertTrue(message.contains("--route-by must be one of camera|partition") && message.contains("round-robin"), message);
    }

    @Test
    void bothOptionSpellingsWork() throws Exception {
        JobOptions o = parse("--batch-size=8", "--batch-timeout-ms", "15", "--bounded", "--delivery=exactly-once");
        assertEquals(8, o.classifier().batchSize());
        assertEquals(15, o.classifier().batchTimeoutMs());
        assertTrue(o.kafka().bounded());
        assertEquals(Delivery.EXACTLY_ONCE, o.delivery().delivery());
    }

    @Test
    void kafkaClientPropertiesPassThrough() throws Exception {
        JobOptions o = JobOptions.parse(new String[] {"--kafka.bootstrap.servers=secure:9093",
                "--kafka.security.protocol=SASL_SSL", "--kafka.sasl.mechanism", "PLAIN",
                "--kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p=1\";"},
                ROOT);
        assertEquals("secure:9093", o.kafka().bootstrapServers());
        assertEquals("SASL_SSL", o.kafka().clientProperties().getProperty("security.protocol"));
        assertEquals("PLAIN", o.kafka().clientProperties().getProperty("sasl.mechanism"));
        assertTrue(o.kafka().clientProperties().getProperty("sasl.jaas.config").endsWith("password=\"p=1\";"),
                "only the first '=' separates name and value");
        assertNull(o.kafka().clientProperties().getProperty("bootstrap.servers"), "kept in one place only");
    }

    @Test
    void relativeModelPathsResolveAgainstTheModelDir() throws Exception {
        JobOptions o = JobOptions.parse(new String[] {"--bootstrap-servers", "b:1", "--model-dir", "models/mobilenet_v1",
                "--model", "mobilenet_v1_0.25_128_quant.tflite", "--labels", "../labels/imagenet_labels_1001_coral.txt"}, ROOT);
        assertEquals(ROOT.resolve("models/mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite").toString(), o.classifier().modelSpec());
        assertEquals(ROOT.resolve("models/labels/imagenet_labels_1001_coral.txt").toString(), o.classifier().labelsFile());
        assertEquals("mobilenet_v1_0.25_128_quant", o.classifier().modelName());
    }

    @Test
    void aMissingModelIsRefusedUnlessTheCheckIsOff() throws Exception {
        assertTrue(error("--bootstrap-servers", "b:1", "--model", "/nowhere/m.tflite").contains("/nowhere/m.tflite"));
        assertEquals("/nowhere/m.tflite", parse("--model", "/nowhere/m.tflite", "--model-check=false").classifier().modelSpec());
    }

    @Test
    void refusesWhatCannotWork() {
        assertTrue(error().contains("--bootstrap-servers is required"));
        assertTrue(error("--bootstrap-servers", "b:1", "--batch-szie", "4").contains("unknown option --batch-szie"));
        assertTrue(error("--bootstrap-servers", "b:1", "--top").contains("--top needs a value"));
        assertTrue(error("--bootstrap-servers", "b:1", "--top", "0").contains("--top must be between 1"));
        assertTrue(error("--bootstrap-servers", "b:1", "--crop", "1.5").contains("--crop must be in (0, 1]"));
        assertTrue(error("--bootstrap-servers", "b:1", "--batch-size", "4", "--batch-timeout-ms", "0")
                .contains("--batch-timeout-ms must be above 0"));
        assertTrue(error("--bootstrap-servers", "b:1", "--output-topic", "frames").contains("three different topics"));
        assertTrue(error("--bootstrap-servers", "b:1", "--delivery", "maybe-once").contains("--delivery must be"));
        assertTrue(error("--bootstrap-servers", "b:1", "--starting-offsets", "middle").contains("committed|earliest|latest"));
        assertTrue(error("--bootstrap-servers", "b:1", "--top", "3", "--top", "4").contains("given twice"));
        assertTrue(error("--bootstrap-servers", "b:1", "stray").contains("unexpected argument 'stray'"));
        assertTrue(error("--bootstrap-servers", "b:1", "--kafka.transaction.timeout.ms=1").contains("--transaction-timeout-ms"));
        assertTrue(error("--bootstrap-servers", "b:1", "--kafka.value.deserializer=x").contains("set by the job"));
    }

    @Test
    void exactlyOnceNeedsATransactionTimeoutBetweenRecoveryAndTheBrokersMaximum() throws Exception {
        assertTrue(error("--bootstrap-servers", "b:1", "--delivery", "exactly-once", "--transaction-timeout-ms", "3600000")
                .contains("transaction.max.timeout.ms"));
        assertTrue(error("--bootstrap-servers", "b:1", "--delivery", "exactly-once", "--checkpoint-interval-ms", "60000",
                "--max-recovery-ms", "600000", "--transaction-timeout-ms", "600000").contains("below the checkpoint interval"));
        JobOptions o = parse("--delivery", "exactly-once", "--transaction-timeout-ms", "3600000",
                "--broker-max-transaction-timeout-ms", "7200000");
        assertEquals(3_600_000, o.delivery().transactionTimeoutMs());
        assertEquals(3_600_000, parse("--transaction-timeout-ms", "3600000").delivery().transactionTimeoutMs(),
                "at-least-once uses no transactions, so the limit does not apply");
    }

    @Test
    void helpIsFoundAnywhere() {
        assertTrue(JobOptions.wantsHelp(new String[] {"--bootstrap-servers", "b:1", "--no-such-option", "--help"}));
        assertFalse(JobOptions.wantsHelp(new String[] {"--bootstrap-servers", "b:1"}));
        String usage = JobOptions.usage();
        for (Option o : JobOptions.OPTIONS) {
            assertTrue(usage.contains("--" + o.name()), o.name());
        }
    }
}
