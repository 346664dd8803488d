package org.flinkmobilenet.engine;

import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.kernels.Kernel;
import org.flinkmobilenet.engine.kernels.Step;
import org.flinkmobilenet.engine.kernels.WeightArena;

/**
 * Runs a {@link CompiledModel} on batches of up to {@code maxBatch} frames. Owns the arena that holds
 * every activation, allocated once here, so running a frame allocates nothing. Not thread-safe: one
 * engine per thread (per Flink slot); engines of one model share its packed weights.
 */
public final class Engine {

    private final CompiledModel model;
    private final int maxBatch;
    private final float[] arena; // (planned values x maxBatch), see MemoryPlan
    private final float[] scratch; // (largest scratch any kernel needs)
    private final int[] base;    // (values) where each value starts in the arena
    private final Step[] steps;  // (layers) an array, so running a frame creates no iterator
    private final int inputSize;
    private final int outputSize;

    /**
     * Floats left unused at the start of the arena so that values start on a 64-byte boundary (the
     * planned offsets and MobileNet's activation sizes are multiples of 16 floats). G1 puts an array of
     * half a region or more, which any real model's arena is, at the start of a region, so its elements
     * begin one array header (16 bytes with compressed class pointers) past a 64-byte boundary, and
     * every 512-bit load of an activation then spans two cache lines. Aligned, the depthwise layers
     * of v1 1.0/224 took 21-27 % less time (same-run comparisons). With other collectors the arena's
     * address is not known; the lead then costs nothing but these few floats. The packed weights are
     * aligned the same way ({@link WeightArena}).
     */
    static final int LEAD = WeightArena.LEAD;

    Engine(CompiledModel model, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
        }
        long floats = LEAD + model.arenaFloats(maxBatch) + Kernel.SLACK;
        if (floats > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("arena of " + floats + " floats is too large; lower the batch size");
        }
        this.model = model;
        this.maxBatch = maxBatch;
        this.arena = new float[(int) floats];
        this.scratch = new float[model.scratchFloats() + Kernel.SLACK];
        Graph g = model.graph();
        this.base = new int[g.values().size()];
        for (int v = 0; v < base.length; v++) {
            base[v] = LEAD + model.memoryPlan().offset(v) * maxBatch;
        }
        this.steps = model.layers().stream().map(l -> l.kernel().step()).toArray(Step[]::new);
        this.inputSize = g.inputShape().size();
        this.outputSize = g.outputShape().size();
    }

    public CompiledModel model() {
        return model;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** The array the input is written into (see {@link #inputOffset}) and the output read from. */
    public float[] arena() {
        return arena;
    }

    /** Where item {@code i}'s input (h, w, 3), already normalised, goes in {@link #arena()}. */
    public int inputOffset(int item) {
        return base[0] + item * inputSize;
    }

    /** Where item {@code i}'s output (classes) is in {@link #arena()} after {@link #run}. */
    public int outputOffset(int item) {
        return base[model.graph().output()] + item * outputSize;
    }

    public int outputSize() {
        return outputSize;
    }

    /**
     * Runs the network on the first {@code batch} inputs. The inputs are consumed: their memory is
     * reused for activations, so every item's input must be written again before the next run.
     */
    public void run(int batch) {
        checkBatch(batch);
        for (Step step : steps) {
            step.run(arena, base, batch, scratch);
        }
    }

    /** Runs like {@link #run} and adds each layer's wall time to {@code nanos[layer]}. */
    public void runTimed(int batch, long[] nanos) {
        checkBatch(batch);
        for (int i = 0; i < steps.length; i++) {
            long t0 = System.nanoTime();
            steps[i].run(arena, base, batch, scratch);
            nanos[i] += System.nanoTime() - t0;
        }
    }

    /** Copies item {@code i}'s output into {@code dst}. */
    public void copyOutput(int item, float[] dst) {
        System.arraycopy(arena, outputOffset(item), dst, 0, outputSize);
    }

    private void checkBatch(int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch " + batch + " outside 1.." + maxBatch);
        }
    }
}
