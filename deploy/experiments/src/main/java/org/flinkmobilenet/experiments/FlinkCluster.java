package org.flinkmobilenet.experiments;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.flinkmobilenet.job.JobOptions;
import org.flinkmobilenet.job.KafkaIO;
import org.flinkmobilenet.job.MobileNetPipeline;

/**
 * A Flink MiniCluster in this JVM with a given layout (TaskManagers x slots), running the job exactly
 * as {@code MobileNetJob.main} builds it: same options parser, same pipeline, same Kafka source and
 * sinks. Two TaskManagers of one MiniCluster exchange records over Netty on localhost, as separate
 * processes would, but share this JVM's heap and its one copy of the weights.
 */
final class FlinkCluster implements AutoCloseable {

    final int taskManagers;
    final int slotsPerTaskManager;
    private final MiniCluster cluster;

    private FlinkCluster(int taskManagers, int slots, MiniCluster cluster) {
        this.taskManagers = taskManagers;
        this.slotsPerTaskManager = slots;
        this.cluster = cluster;
    }

    static FlinkCluster start(int taskManagers, int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setNumTaskManagers(taskManagers).setNumSlotsPerTaskManager(slots).setConfiguration(conf)
                .withRandomPorts().build());
        cluster.start();
        return new FlinkCluster(taskManagers, slots, cluster);
    }

    String layout() {
        return taskManagers + "x" + slotsPerTaskManager;
    }

    /** Submits the job and returns at once; the classify operators load and warm up as their tasks start. */
    JobClient submit(JobOptions options, String jobName) throws Exception {
        StreamExecutionEnvironment env = new TestStreamEnvironment(cluster, options.parallelism());
        MobileNetPipeline.configure(env, options);
        MobileNetPipeline.build(env, options, KafkaIO.frameSource(options), KafkaIO.labelSink(options),
                KafkaIO.deadLetterSink(options));
        return env.executeAsync(jobName);
    }

    /**
     * Waits until every task of the job is RUNNING: a task leaves INITIALIZING only after its operators
     * opened, so the classify tasks have loaded the model and warmed their engines up.
     */
    void awaitAllRunning(JobID job, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS);
            if (graph.getState().isGloballyTerminalState()) {
                throw new IllegalStateException("job " + job + " ended as " + graph.getState()
                        + (graph.getFailureInfo() == null ? "" : ": " + graph.getFailureInfo().getExceptionAsString()));
            }
            int tasks = 0, running = 0;
            for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
                tasks++;
                running += v.getExecutionState() == ExecutionState.RUNNING ? 1 : 0;
            }
            if (tasks > 0 && running == tasks) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("job " + job + " not running after " + timeoutMillis + " ms");
            }
            Thread.sleep(50);
        }
    }

    JobStatus status(JobID job) throws Exception {
        return cluster.getJobStatus(job).get(10, TimeUnit.SECONDS);
    }

    void cancel(JobClient job) throws Exception {
        if (!status(job.getJobID()).isGloballyTerminalState()) {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (!status(job.getJobID()).isGloballyTerminalState() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        cluster.closeAsync().get(60, TimeUnit.SECONDS);
    }
}
