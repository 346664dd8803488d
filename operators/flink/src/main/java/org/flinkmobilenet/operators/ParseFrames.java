package org.flinkmobilenet.operators;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.flinkmobilenet.engine.image.ImageLimits;

/**
 * The first operator after the source: counts every frame in and reads its headers with
 * {@link FrameCodec}; frames it refuses go to the dead letters, the others on to be keyed by camera.
 * A value over the size limit is refused here, before it crosses the network to a classify subtask.
 */
public final class ParseFrames extends ProcessFunction<RawFrame, Frame> {

    private static final long serialVersionUID = 1L;

    private final int maxFrameBytes;

    private transient MobileNetMetrics metrics;

    /** With the default limit of {@link ImageLimits#DEFAULT}. */
    public ParseFrames() {
        this(ImageLimits.DEFAULT.maxBytes());
    }

    public ParseFrames(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void open(OpenContext context) {
        metrics = MobileNetMetrics.forCodec(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawFrame raw, Context ctx, Collector<Frame> out) {
        metrics.frameIn();
        try {
            out.collect(FrameCodec.parse(raw, maxFrameBytes));
        } catch (RejectedFrameException e) {
            metrics.deadLetter(e.reason());
            ctx.output(DeadLetter.OUTPUT, new DeadLetter(raw, e.reason(), e.getMessage()));
        }
    }
}
