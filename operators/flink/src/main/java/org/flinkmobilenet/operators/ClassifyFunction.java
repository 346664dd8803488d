package org.flinkmobilenet.operators;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.functions.AbstractRichFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.flinkmobilenet.engine.Classifier;
import org.flinkmobilenet.engine.WarmUp;
import org.flinkmobilenet.engine.image.ImageDecodeException;
import org.flinkmobilenet.engine.image.ImageDecoder;
import org.flinkmobilenet.engine.image.ImageFormat;
import org.flinkmobilenet.engine.image.RgbImage;
import org.flinkmobilenet.engine.kernels.KernelSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot's classifier: takes a batch of frames (in arrival order), drops the stale ones, decodes and
 * resizes the rest into the engine's input, runs the engine once for the whole batch and emits one
 * label per frame, in the batch's order. Every frame that cannot be classified becomes a dead letter.
 *
 * <p>Lifecycle: {@link #open} takes the JVM's shared model (loading it if this is the first slot),
 * builds this slot's own {@link Classifier} (its activation arena) and warms it up before any frame
 * arrives; {@link #close} gives the model back. Used from the task thread only.
 *
 * <p>A model that cannot be loaded (missing, corrupt, not an RGB classifier) fails the job for good:
 * a restart would read the same files and fail again, so the failure suppresses the restart strategy
 * instead of looping through it.
 */
public final class ClassifyFunction extends AbstractRichFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyFunction.class);

    private final ClassifierSettings settings;

    private transient SharedModels.Lease lease;
    private transient Classifier classifier;
    private transient ImageDecoder decoder;
    private transient MobileNetMetrics metrics;
    private transient Frame[] inBatch; // (batchSize) the frames whose pixels are in the engine's input slots

    public ClassifyFunction(ClassifierSettings settings) {
        this.settings = settings;
    }

    public ClassifierSettings settings() {
        return settings;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        metrics = MobileNetMetrics.forClassifier(getRuntimeContext().getMetricGroup());
        try {
            lease = SharedModels.acquire(settings.modelSpec(), settings.labelsFile());
        } catch (IOException e) {
            String message = "model " + settings.modelSpec() + (settings.labelsFile() == null ? "" : " with labels "
                    + settings.labelsFile()) + " cannot be loaded, so the job stops without restarting: " + e.getMessage();
            LOG.error(message);
            throw new SuppressRestartsException(new ModelUnavailableException(message, e));
        }
        metrics.modelLoaded(lease.loadMs());
        classifier = new Classifier(lease.model(), settings.batchSize(), settings.crop());
        decoder = new ImageDecoder(settings.imageLimits());
        inBatch = new Frame[settings.batchSize()];
        WarmUp.Report warm = classifier.warmUp(settings.warmUpMs());
        metrics.warmedUp(warm.millis());
        LOG.info("{} subtask {}: model {} ({} classes, {}x{}, labels: {}, kernels: {}) loaded in {} ms (shared), "
                        + "warm-up {} frames in {} ms{}",
                getRuntimeContext().getTaskInfo().getTaskName(), getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                settings.modelName(), lease.model().classes(), lease.model().resolution(), lease.model().resolution(),
                lease.model().labelsSource(), KernelSelector.kernels().name(), Math.round(lease.loadMs()), warm.frames(),
                Math.round(warm.millis()),
                warm.steady() ? "" : " (stopped by the time limit before steady state)");
    }

    @Override
    public void close() throws Exception {
        classifier = null;
        inBatch = null;
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }

    /** Classifies up to {@link ClassifierSettings#batchSize()} frames; results go to {@code out} in order. */
    public void classify(List<Frame> frames, FrameOutput out) {
        if (frames.size() > inBatch.length) {
            throw new IllegalArgumentException(frames.size() + " frames exceed the batch size " + inBatch.length);
        }
        long now = System.currentTimeMillis();
        int n = 0;
        for (Frame frame : frames) {
            long age = now - frame.captureTs;
            if (settings.maxFrameAgeMs() > 0 && age > settings.maxFrameAgeMs()) {
                reject(out, frame, DeadLetterReason.STALE,
                        "frame is " + age + " ms old, over the limit of " + settings.maxFrameAgeMs() + " ms");
                continue;
            }
            try {
                classifier.setInput(n, decode(frame));
                inBatch[n++] = frame;
            } catch (ImageDecodeException e) {
                reject(out, frame, DeadLetterReason.of(e.reason()), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("frame {} could not be prepared", frame, e);
                reject(out, frame, DeadLetterReason.INFERENCE_FAILED, "preprocessing failed: " + e);
            }
        }
        if (n > 0) {
            run(n, out);
        }
    }

    private void run(int n, FrameOutput out) {
        long start = System.nanoTime();
        try {
            classifier.run(n);
        } catch (RuntimeException e) {
            LOG.error("the engine failed on a batch of {} frames; they go to the dead letters", n, e);
            for (int i = 0; i < n; i++) {
                reject(out, inBatch[i], DeadLetterReason.INFERENCE_FAILED, "engine failed: " + e);
                inBatch[i] = null;
            }
            return;
        }
        double engineMs = (System.nanoTime() - start) / 1e6;
        long inferenceTs = System.currentTimeMillis();
        metrics.batch(n, engineMs);
        for (int i = 0; i < n; i++) {
            Label label = Label.of(inBatch[i], settings.modelName(), classifier.top(i, settings.topK()), inferenceTs, engineMs);
            inBatch[i] = null;
            metrics.labelOut(label.endToEndMs);
            out.label(label);
        }
    }

    private RgbImage decode(Frame frame) throws ImageDecodeException {
        return frame.format == ImageFormat.RGB24
                ? decoder.decodeRaw(frame.raw.value, frame.width, frame.height)
                : decoder.decode(frame.raw.value, frame.format);
    }

    private void reject(FrameOutput out, Frame frame, DeadLetterReason reason, String message) {
        metrics.deadLetter(reason);
        out.deadLetter(new DeadLetter(frame.raw, reason, message));
    }
}
