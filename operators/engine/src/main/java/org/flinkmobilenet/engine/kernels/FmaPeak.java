package org.flinkmobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures this core's fused multiply-add throughput with the tuned kernels' vector width: many
 * independent accumulators, no memory traffic. The ceiling every kernel's GFLOP/s is compared to,
 * measured in the same run as the kernels themselves.
 */
public final class FmaPeak {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private FmaPeak() {}

    /** FLOP per inner iteration: 16 accumulators, one FMA each, 2 FLOP per lane. */
    private static long flopPerIteration() {
        return 16L * S.length() * 2;
    }

    /** 16 independent FMA chains (enough to hide a 4-cycle latency at two FMAs per cycle). */
    private static float spin(long iterations, float seed) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f), b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, seed), c1 = c0.add(1), c2 = c0.add(2), c3 = c0.add(3),
                c4 = c0.add(4), c5 = c0.add(5), c6 = c0.add(6), c7 = c0.add(7), c8 = c0.add(8), c9 = c0.add(9),
                c10 = c0.add(10), c11 = c0.add(11), c12 = c0.add(12), c13 = c0.add(13), c14 = c0.add(14), c15 = c0.add(15);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
            c12 = c12.fma(a, b); c13 = c13.fma(a, b); c14 = c14.fma(a, b); c15 = c15.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .add(c12).add(c13).add(c14).add(c15).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /**
     * GFLOP/s of {@code samples} timed runs of about {@code millis} ms each, after a warm-up; the caller
     * takes the median or best.
     */
    public static double[] measure(int samples, int millis) {
        float sink = 0;
        for (int i = 0; i < 20; i++) {
            sink += spin(200_000, i); // let C2 compile the loop
        }
        long t0 = System.nanoTime();
        sink += spin(1_000_000, 1);
        double nsPerIteration = Math.max(0.05, (System.nanoTime() - t0) / 1e6);
        long iterations = (long) (millis * 1e6 / nsPerIteration);
        double[] gflops = new double[samples];
        for (int s = 0; s < samples; s++) {
            long start = System.nanoTime();
            sink += spin(iterations, s);
            long ns = System.nanoTime() - start;
            gflops[s] = iterations * flopPerIteration() / (double) ns;
        }
        if (sink == 42.4242f) {
            System.out.print(""); // keeps the result alive so the loop is not removed
        }
        return gflops;
    }

    /** The vector width in bits the peak (and every tuned kernel) uses. */
    public static int vectorBits() {
        return VectorWidth.bits();
    }
}
