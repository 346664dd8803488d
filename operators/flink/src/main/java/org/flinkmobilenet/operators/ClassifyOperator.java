package org.flinkmobilenet.operators;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Micro-batching around {@link ClassifyFunction}: frames are collected in arrival order and handed
 * over as one batch when {@code batchSize} frames are waiting, or when the oldest waiting frame has
 * waited {@code batchTimeoutMs} (a processing-time timer set when a batch starts), whichever comes
 * first. With a batch size of 1 every frame is classified as it arrives.
 *
 * <p>Waiting frames are never part of a checkpoint: they are classified before the checkpoint barrier
 * is passed on ({@link #prepareSnapshotPreBarrier}), before a watermark is forwarded, and at the end of
 * a bounded input. So a restore never loses or repeats a frame the checkpoint already covers, and
 * the operator needs no state.
 *
 * <p>All callbacks (elements, timers, barriers) run on the task thread, one at a time, so batches are
 * processed strictly in arrival order: a camera's labels leave in the order its frames came in.
 */
public final class ClassifyOperator extends AbstractUdfStreamOperator<Label, ClassifyFunction>
        implements OneInputStreamOperator<Frame, Label>, ProcessingTimeCallback {

    private static final long serialVersionUID = 1L;

    private final int batchSize;
    private final long batchTimeoutMs;

    private transient List<Frame> waiting;
    private transient ScheduledFuture<?> timer;
    private transient long deadline; // when the oldest waiting frame must be classified
    private transient FrameOutput emitter;

    public ClassifyOperator(ClassifyFunction function) {
        super(function);
        this.batchSize = function.settings().batchSize();
        this.batchTimeoutMs = function.settings().batchTimeoutMs();
    }

    @Override
    public void open() throws Exception {
        super.open(); // opens the function: model, engine, warm-up
        waiting = new ArrayList<>(batchSize);
        StreamRecord<Label> labelRecord = new StreamRecord<>(null);
        emitter = new FrameOutput() {
            @Override
            public void label(Label label) {
                output.collect(labelRecord.replace(label));
            }

            @Override
            public void deadLetter(DeadLetter deadLetter) {
                output.collect(DeadLetter.OUTPUT, new StreamRecord<>(deadLetter));
            }
        };
    }

    @Override
    public void processElement(StreamRecord<Frame> element) throws Exception {
        waiting.add(element.getValue());
        if (waiting.size() >= batchSize || batchTimeoutMs == 0) {
            flush();
        } else if (waiting.size() == 1) {
            deadline = getProcessingTimeService().getCurrentProcessingTime() + batchTimeoutMs;
            timer = getProcessingTimeService().registerTimer(deadline, this);
        }
    }

    @Override
    public void onProcessingTime(long time) {
        // A timer of a batch that already left (full before its time) may still fire: ignore it.
        if (!waiting.isEmpty() && time >= deadline) {
            timer = null;
            flush();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        cancelTimer();
        super.close(); // closes the function: gives the shared model back
    }

    /** Frames waiting for their batch now (for tests and debugging). */
    int waiting() {
        return waiting.size();
    }

    private void flush() {
        if (waiting.isEmpty()) {
            return;
        }
        cancelTimer();
        userFunction.classify(waiting, emitter);
        waiting.clear();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
