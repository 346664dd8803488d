package org.flinkmobilenet.engine.kernels;

import java.util.List;

/**
 * All of a compiled model's packed GEMM weights in one array, each layer's starting on a 64-byte
 * boundary, so no 512-bit weight load spans two cache lines.
 *
 * <p>Why one array: the JVM does not say where an array lives, but G1 places an array of half a region
 * or more ("humongous") at the start of a region and never moves it, so its elements begin one array
 * header past a 64-byte boundary ({@link #LEAD} floats fix that, as for the engine's arena). Each
 * layer's weights packed on their own are either smaller than that, so they land 8-byte aligned
 * anywhere and move with the collector, or humongous and then always 16 bytes off a line: v1 1.0/224's
 * 512 x 512 layers are exactly 1 MB. Measured (same run, 512-bit, a scratch benchmark of {@link Gemm#run}):
 * 14x14x512 -> 512 took 409 us with its weights aligned against 439-440 us at 16, 32 or 48 bytes off;
 * 28x28x256 -> 256 418 against 450-452 us; 7x7x1024 -> 1024 426 against 454-455 us. Together every
 * real model's weights are at least 1 MB, humongous with regions up to 2 MB (heaps up to 4 GB) and
 * v1 1.0/224's 17 MB with any region size; where the array is not humongous the alignment is whatever
 * it lands on, as before.
 */
public final class WeightArena {

    /** Floats left unused at the start of an array so that float 16 x k sits on a 64-byte boundary under G1. */
    public static final int LEAD = leadFloats();

    private static final int ALIGN_FLOATS = 16;

    private WeightArena() {}

    private static int leadFloats() {
        int header = 16;
        try {
            header = Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // keep the usual header size
        }
        return Math.floorMod(-header, 64) / Float.BYTES;
    }

    /**
     * Moves the packed weights of {@code kernels} into one new array, each at a multiple of 16 floats
     * past {@link #LEAD}. Called once per compiled model, before any engine runs it.
     *
     * @return the floats of the new array (0 when the kernels packed nothing)
     */
    public static long gather(List<Kernel> kernels) {
        long total = LEAD;
        for (Kernel k : kernels) {
            for (PackedData d : k.packed()) {
                total += roundUp(d.floats());
            }
        }
        if (total == LEAD) {
            return 0;
        }
        if (total > Integer.MAX_VALUE - 16) {
            return 0; // too large for one array: each keeps its own
        }
        float[] arena = new float[(int) total];
        int at = LEAD;
        for (Kernel k : kernels) {
            for (PackedData d : k.packed()) {
                ((PackedWeights) d).moveTo(arena, at);
                at += roundUp(d.floats());
            }
        }
        return total;
    }

    private static int roundUp(int floats) {
        return (floats + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
    }
}
