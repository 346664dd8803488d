package org.flinkmobilenet.cli;

import org.flinkmobilenet.engine.CompiledModel;
import org.flinkmobilenet.engine.Engine;
import org.flinkmobilenet.engine.WarmUp;

/** Times whole forward passes of one compiled network on this thread, after a warm-up. */
final class NetworkTimer {

    private final Engine engine;
    private final int batch;

    NetworkTimer(CompiledModel model, int batch) {
        this.engine = model.newEngine(batch);
        this.batch = batch;
        WarmUp.Report report = WarmUp.run(engine, 60_000);
        if (!report.steady()) {
            System.err.println("bench: warning: " + model.graph().name() + " did not reach steady state in warm-up: " + report);
        }
    }

    /** Milliseconds per batch for each of {@code runs} runs. */
    double[] time(int runs) {
        double[] ms = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            engine.run(batch);
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }

    /** Per-layer nanoseconds of {@code runs} runs: [run][layer]. */
    long[][] timeLayers(int runs) {
        int layers = engine.model().layers().size();
        long[][] nanos = new long[runs][layers];
        for (int r = 0; r < runs; r++) {
            engine.runTimed(batch, nanos[r]);
        }
        return nanos;
    }
}
