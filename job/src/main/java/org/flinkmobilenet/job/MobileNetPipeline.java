package org.flinkmobilenet.job;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.flinkmobilenet.job.DeliverySettings.Delivery;
import org.flinkmobilenet.operators.ClassifierSettings;
import org.flinkmobilenet.operators.ClassifyFunction;
import org.flinkmobilenet.operators.ClassifyOperator;
import org.flinkmobilenet.operators.DeadLetter;
import org.flinkmobilenet.operators.Frame;
import org.flinkmobilenet.operators.Label;
import org.flinkmobilenet.operators.ParseFrames;
import org.flinkmobilenet.operators.RawFrame;

/**
 * The pipeline, from any source of raw frames to any two sinks:
 *
 * <pre>
 *   frames ──► parse headers ──keyBy(camera id)──► classify (micro-batches) ──► labels sink
 *                   └──────── dead letters ──────────────┴──────────────────────► dead-letter sink
 * </pre>
 *
 * With {@link Routing#PARTITION} the keyBy is left out: source, parse and classify are chained in one
 * task per slot, and each slot classifies the frames its source subtask reads.
 *
 * Every operator has a name and a stable uid, so savepoints survive upgrades of the job.
 */
public final class MobileNetPipeline {

    public static final String SOURCE_UID = "kafka-frames-source";
    public static final String PARSE_UID = "parse-frames";
    public static final String CLASSIFY_UID = "classify-frames";
    public static final String LABEL_SINK_UID = "kafka-labels-sink";
    public static final String DLQ_SINK_UID = "kafka-dead-letter-sink";

    private MobileNetPipeline() {}

    /** How frames reach the classify subtasks ({@code --route-by}). */
    public enum Routing {
        /**
         * keyBy(camera id): a camera's frames all go to one classify subtask and are classified in the
         * order they were read, whatever partitions they came from; every slot gets cameras, however few
         * partitions the topic has. Costs a serialized hand-over of every frame between tasks.
         */
        CAMERA,
        /**
         * No shuffle: each source subtask's frames are classified in its own task, in partition order.
         * Saves the hand-over (less CPU per frame, most visible with small models); a camera's frames stay
         * in order only if they all go to one partition (frames keyed by camera id), and slots beyond the
         * number of partitions stay idle.
         */
        PARTITION
    }

    /** The two streams the classification produces; {@link #sinkTo} attaches them to their sinks. */
    public record Classified(DataStream<Label> labels, DataStream<DeadLetter> deadLetters) {

        public void sinkTo(Sink<Label> labelSink, Sink<DeadLetter> deadLetterSink) {
            labels.sinkTo(labelSink).name("labels to Kafka").uid(LABEL_SINK_UID);
            deadLetters.sinkTo(deadLetterSink).name("dead letters to Kafka").uid(DLQ_SINK_UID);
        }
    }

    /** Checkpointing and parallelism as the options ask. */
    public static void configure(StreamExecutionEnvironment env, JobOptions options) {
        DeliverySettings d = options.delivery();
        env.enableCheckpointing(d.checkpointIntervalMs(), d.delivery() == Delivery.EXACTLY_ONCE
                ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        if (options.parallelism() > 0) {
            env.setParallelism(options.parallelism());
        }
    }

    /** The whole job: source → classification → sinks. */
    public static void build(StreamExecutionEnvironment env, JobOptions options, Source<RawFrame, ?, ?> source,
                             Sink<Label> labelSink, Sink<DeadLetter> deadLetterSink) {
        classify(read(env, source), options.classifier(), options.routing()).sinkTo(labelSink, deadLetterSink);
    }

    public static DataStream<RawFrame> read(StreamExecutionEnvironment env, Source<RawFrame, ?, ?> source) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "frames from Kafka").uid(SOURCE_UID);
    }

    /** {@link #classify(DataStream, ClassifierSettings, Routing)} routed by camera. */
    public static Classified classify(DataStream<RawFrame> frames, ClassifierSettings settings) {
        return classify(frames, settings, Routing.CAMERA);
    }

    /**
     * Headers are read before the keyBy (the key is the camera id); a camera's frames then all go to one
     * classify subtask, which handles them in arrival order. Routed by partition, there is no keyBy and
     * classify runs chained to the source.
     */
    public static Classified classify(DataStream<RawFrame> frames, ClassifierSettings settings, Routing routing) {
        SingleOutputStreamOperator<Frame> parsed = frames
                .process(new ParseFrames(settings.maxImageBytes()), TypeInformation.of(Frame.class))
                .name("parse frame headers").uid(PARSE_UID);
        DataStream<Frame> routed = routing == Routing.CAMERA
                ? parsed.keyBy(frame -> frame.cameraId, TypeInformation.of(String.class))
                : parsed;
        SingleOutputStreamOperator<Label> labels = routed
                .transform("classify (MobileNet)", TypeInformation.of(Label.class),
                        new ClassifyOperator(new ClassifyFunction(settings)))
                .uid(CLASSIFY_UID);
        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(DeadLetter.OUTPUT)
                .union(labels.getSideOutput(DeadLetter.OUTPUT));
        return new Classified(labels, deadLetters);
    }
}
