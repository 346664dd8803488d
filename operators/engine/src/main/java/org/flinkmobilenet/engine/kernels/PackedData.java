package org.flinkmobilenet.engine.kernels;

/**
 * Weights a kernel packed at compile time and reads at run time: {@link WeightArena} moves them all
 * into one array so each starts on a 64-byte boundary. Only the compiling thread touches them before
 * the compiled model is published; afterwards they are read-only. Sealed: the packing is the kernels'
 * own ({@link PackedWeights}), which is what lets {@link WeightArena} move it.
 */
public sealed interface PackedData permits PackedWeights {

    /** Floats of packed data (a multiple of 16 for the tuned kernels' blocks). */
    int floats();
}
