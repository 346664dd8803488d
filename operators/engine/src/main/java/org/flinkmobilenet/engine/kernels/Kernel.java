package org.flinkmobilenet.engine.kernels;

/**
 * A layer's kernel as a {@link KernelSet} chose it: what runs, its name (shown by benchmarks and the
 * profile), and the scratch memory it needs beyond its input and output.
 */
public record Kernel(String name, Step step, int scratchFloats) {

    /**
     * Floats every arena and scratch array carries past its end: tuned kernels store a partial last
     * vector whole (merged with what is there), so they may touch up to one vector beyond a value.
     */
    public static final int SLACK = 64;

    public static Kernel of(String name, Step step) {
        return new Kernel(name, step, 0);
    }
}
