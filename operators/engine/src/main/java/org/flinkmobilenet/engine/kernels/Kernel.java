package org.flinkmobilenet.engine.kernels;

import java.util.List;

/**
 * A layer's kernel as a {@link KernelSet} chose it: what runs, its name (shown by benchmarks and the
 * profile), the scratch memory it needs beyond its input and output, and the weights it packed (which
 * {@link WeightArena} aligns).
 */
public record Kernel(String name, Step step, int scratchFloats, List<PackedData> packed) {

    public Kernel {
        packed = List.copyOf(packed);
    }

    public Kernel(String name, Step step, int scratchFloats) {
        this(name, step, scratchFloats, List.of());
    }

    /**
     * Floats every arena and scratch array carries past its end: tuned kernels store a partial last
     * vector whole (merged with what is there), so they may touch up to one vector beyond a value.
     */
    public static final int SLACK = 64;

    /** A kernel without scratch that reads {@code packed} weights (none for most). */
    public static Kernel of(String name, Step step, PackedData... packed) {
        return new Kernel(name, step, 0, List.of(packed));
    }
}
