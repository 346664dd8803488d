package org.flinkmobilenet.engine;

import java.util.List;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.image.Preprocessor;
import org.flinkmobilenet.engine.image.RgbImage;

/**
 * Pictures in, top-k labels out: a {@link Preprocessor} and an {@link Engine} over a shared model.
 * Not thread-safe: one per thread (per Flink slot).
 */
public final class Classifier {

    private final MobileNetModel model;
    private final Engine engine;
    private final Preprocessor preprocessor;

    public Classifier(MobileNetModel model, int maxBatch, float crop) {
        this.model = model;
        this.engine = model.compiled().newEngine(maxBatch);
        Shape in = model.compiled().graph().inputShape();
        this.preprocessor = new Preprocessor(in.h(), in.w(), crop, model.compiled().graph().normalization());
    }

    public MobileNetModel model() {
        return model;
    }

    public Engine engine() {
        return engine;
    }

    public int maxBatch() {
        return engine.maxBatch();
    }

    /** Puts {@code image} in batch slot {@code item}; every slot of a batch is set before each {@link #run}. */
    public void setInput(int item, RgbImage image) {
        if (item < 0 || item >= engine.maxBatch()) {
            throw new IllegalArgumentException("item " + item + " outside 0.." + (engine.maxBatch() - 1));
        }
        preprocessor.fill(image, engine.arena(), engine.inputOffset(item));
    }

    public void run(int batch) {
        engine.run(batch);
    }

    /** The {@code k} best classes of batch slot {@code item} after {@link #run}. */
    public List<Prediction> top(int item, int k) {
        return TopK.of(engine.arena(), engine.outputOffset(item), engine.outputSize(), k, model.labels());
    }

    /**
     * Runs synthetic frames until the JIT has compiled every kernel at every batch size up to the
     * maximum (see {@link WarmUp}), or until {@code maxMillis} have passed.
     */
    public WarmUp.Report warmUp(long maxMillis) {
        return WarmUp.run(engine, maxMillis);
    }

    public List<Prediction> classify(RgbImage image, int k) {
        setInput(0, image);
        run(1);
        return top(0, k);
    }
}
