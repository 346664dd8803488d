package org.flinkmobilenet.operators;

import java.io.Serializable;
import org.flinkmobilenet.engine.image.ImageLimits;

/**
 * What the classify operator needs to know, fixed when the job is built and shipped with it.
 *
 * @param modelSpec     one model file, or comma-separated chained files, as paths on the TaskManagers
 * @param labelsFile    a label list on the TaskManagers, or null for the model's own / bundled labels
 * @param modelName     the {@code model} field of every label
 * @param topK          classes per label
 * @param crop          central crop fraction before resizing, in (0, 1]
 * @param batchSize     most frames per engine run (1: no batching)
 * @param batchTimeoutMs longest a frame waits for its batch to fill
 * @param maxFrameAgeMs frames older than this when their turn comes are dead letters; 0: no limit
 * @param maxImageBytes  encoded size limit
 * @param maxImageDimension pixels a side
 * @param maxImagePixels pixels in all
 * @param warmUpMs      most time the warm-up may take before the first frame
 */
public record ClassifierSettings(String modelSpec, String labelsFile, String modelName, int topK, float crop,
                                 int batchSize, long batchTimeoutMs, long maxFrameAgeMs, int maxImageBytes,
                                 int maxImageDimension, long maxImagePixels, long warmUpMs) implements Serializable {

    private static final long serialVersionUID = 1L;

    public ClassifierSettings {
        if (modelSpec == null || modelSpec.isBlank()) {
            throw new IllegalArgumentException("no model");
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1");
        }
        if (!(crop > 0 && crop <= 1)) {
            throw new IllegalArgumentException("crop must be in (0, 1]");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1");
        }
        if (batchTimeoutMs < 0 || maxFrameAgeMs < 0 || warmUpMs < 0) {
            throw new IllegalArgumentException("times must not be negative");
        }
        new ImageLimits(maxImageBytes, maxImageDimension, maxImagePixels); // validates
    }

    public ImageLimits imageLimits() {
        return new ImageLimits(maxImageBytes, maxImageDimension, maxImagePixels);
    }
}
