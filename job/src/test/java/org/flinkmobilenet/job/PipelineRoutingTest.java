package org.flinkmobilenet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The job graph each {@code --route-by} builds (no broker needed: the Kafka source and sinks connect only
 * when the job runs). By camera, classify is its own task behind a hash shuffle; by partition, it runs in
 * the source's task, so frames are never serialized between tasks.
 */
class PipelineRoutingTest {

    private static List<JobVertex> vertices(String routing) throws Exception {
        JobOptions options = JobOptionsTest.parse("--route-by", routing, "--parallelism", "2");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MobileNetPipeline.configure(env, options);
        MobileNetPipeline.build(env, options, KafkaIO.frameSource(options), KafkaIO.labelSink(options),
                KafkaIO.deadLetterSink(options));
        JobGraph graph = env.getStreamGraph().getJobGraph();
        List<JobVertex> all = new ArrayList<>();
        graph.getVertices().forEach(all::add);
        return all;
    }

    private static JobVertex classifying(List<JobVertex> vertices) {
        List<JobVertex> found = vertices.stream().filter(v -> v.getName().contains("classify (MobileNet)")).toList();
        assertEquals(1, found.size(), "one task classifies: " + vertices.stream().map(JobVertex::getName).toList());
        return found.get(0);
    }

    @Test
    void byCameraClassifyIsATaskOfItsOwnBehindTheShuffle() throws Exception {
        List<JobVertex> vertices = vertices("camera");
        JobVertex classify = classifying(vertices);
        assertFalse(classify.getName().contains("frames from Kafka"), classify.getName());
        assertEquals("HASH", classify.getInputs().get(0).getShipStrategyName(), "frames reach classify by keyBy");
    }

    @Test
    void byPartitionClassifyRunsInTheSourceTask() throws Exception {
        List<JobVertex> vertices = vertices("partition");
        JobVertex classify = classifying(vertices);
        assertTrue(classify.getName().contains("frames from Kafka") && classify.getName().contains("parse frame headers")
                && classify.getName().contains("labels to Kafka"), classify.getName());
        assertTrue(classify.isInputVertex(), "nothing is shipped to the classifying task: " + classify.getName());
    }
}
