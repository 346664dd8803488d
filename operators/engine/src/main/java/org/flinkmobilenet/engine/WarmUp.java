package org.flinkmobilenet.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * Runs an engine on synthetic frames until the JIT has compiled every kernel it uses, at every batch
 * size up to the engine's maximum, so remainder paths are covered too.
 *
 * <p>The signal: a Vector API kernel that C2 has not compiled yet boxes its vectors, so it allocates;
 * compiled, it allocates nothing. A batch size counts as warm after {@link #QUIET_FRAMES} frames in a
 * row that allocated no bytes on this thread. Where the JVM cannot count allocations, a fixed number
 * of frames runs instead.
 */
public final class WarmUp {

    /** Frames in a row without allocation that make a batch size warm. */
    static final int QUIET_FRAMES = 5;
    /** Frames per batch size when allocations cannot be counted. */
    static final int BLIND_FRAMES = 200;

    /** What a warm-up did: frames run, time taken, and whether every batch size reached steady state. */
    public record Report(int frames, double millis, boolean steady) {}

    private WarmUp() {}

    public static Report run(Engine engine, long maxMillis) {
        long start = System.nanoTime();
        long deadline = start + maxMillis * 1_000_000L;
        fillInputs(engine);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean counting = threads instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled() ? t : null;
        long thread = Thread.currentThread().getId();
        int frames = 0;
        boolean steady = true;
        for (int batch = 1; batch <= engine.maxBatch(); batch++) {
            int quiet = 0, run = 0;
            while (counting != null ? quiet < QUIET_FRAMES : run < BLIND_FRAMES) {
                if (System.nanoTime() > deadline) {
                    steady = false;
                    break;
                }
                long before = counting == null ? 0 : counting.getThreadAllocatedBytes(thread);
                engine.run(batch);
                long allocated = counting == null ? 0 : counting.getThreadAllocatedBytes(thread) - before;
                quiet = allocated == 0 ? quiet + 1 : 0;
                run++;
                frames++;
            }
        }
        return new Report(frames, (System.nanoTime() - start) / 1e6, steady && counting != null);
    }

    /** Inputs in the range real frames have, so every clamp and branch sees realistic values. */
    private static void fillInputs(Engine engine) {
        float[] arena = engine.arena();
        int size = engine.model().graph().inputShape().size();
        SplittableRandom random = new SplittableRandom(7);
        for (int item = 0; item < engine.maxBatch(); item++) {
            int off = engine.inputOffset(item);
            for (int i = 0; i < size; i++) {
                arena[off + i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
    }
}
