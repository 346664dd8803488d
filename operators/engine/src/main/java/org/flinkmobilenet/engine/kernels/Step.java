package org.flinkmobilenet.engine.kernels;

/** One compiled layer, ready to run: a kernel bound to its (packed) weights and its values. */
@FunctionalInterface
public interface Step {
    /**
     * Runs the layer on {@code batch} items. Value {@code v} of the graph starts at {@code base[v]} in
     * {@code arena}, its items stored one after another. {@code scratch} is the engine's scratch
     * memory, at least {@link Kernel#scratchFloats()} long.
     */
    void run(float[] arena, int[] base, int batch, float[] scratch);
}
