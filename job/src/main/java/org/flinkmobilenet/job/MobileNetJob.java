package org.flinkmobilenet.job;

import java.nio.file.Path;
import org.apache.flink.client.program.ProgramParametrizationException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's entry point for {@code flink run}: parse the options, build the pipeline from the Kafka
 * source and sinks, execute. {@code --help} prints every option and returns without building a job;
 * a bad option is reported without building one ({@code flink run} shows the message and exits 1).
 */
public final class MobileNetJob {

    private MobileNetJob() {}

    public static void main(String[] args) throws Exception {
        if (JobOptions.wantsHelp(args)) {
            System.out.print(JobOptions.usage());
            return;
        }
        JobOptions options;
        try {
            options = JobOptions.parse(args, Path.of("").toAbsolutePath());
        } catch (InvalidOptionsException e) {
            // flink run prints this message alone, without a stack trace, and exits with status 1.
            throw new ProgramParametrizationException("mobilenet-job: " + e.getMessage() + " (--help lists every option)");
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MobileNetPipeline.configure(env, options);
        MobileNetPipeline.build(env, options, KafkaIO.frameSource(options),
                KafkaIO.labelSink(options), KafkaIO.deadLetterSink(options));
        env.execute(options.jobName());
    }
}
