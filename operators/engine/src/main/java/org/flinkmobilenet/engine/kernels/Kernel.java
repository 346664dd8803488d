package org.flinkmobilenet.engine.kernels;

/**
 * A layer's kernel as a {@link KernelSet} chose it: what runs, its name (shown by benchmarks and the
 * profile), and the scratch memory it needs beyond its input and output.
 */
public record Kernel(String name, Step step, int scratchFloats) {

    public static Kernel of(String name, Step step) {
        return new Kernel(name, step, 0);
    }
}
