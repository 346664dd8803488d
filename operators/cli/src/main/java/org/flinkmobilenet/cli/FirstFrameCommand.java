package org.flinkmobilenet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;
import org.flinkmobilenet.engine.CompiledModel;
import org.flinkmobilenet.engine.Engine;
import org.flinkmobilenet.engine.WarmUp;
import org.flinkmobilenet.engine.builder.MobileNetV1Builder;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.model.ModelFiles;

/**
 * {@code ./mobilenet first-frame}: the latency of the very first frame of a fresh JVM, with or without
 * the engine's warm-up before it. The benchmark starts it in child JVMs.
 */
final class FirstFrameCommand {

    record Result(double firstMs, double warmupMs) {}

    private final PrintStream out;

    FirstFrameCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] argv) throws IOException {
        Args args = new Args(argv, 0, Set.of("warm-up"));
        String model = args.get("model", null);
        double alpha = args.getDouble("alpha", 1.0);
        int resolution = args.getInt("resolution", 224);
        boolean warm = args.flag("warm-up");
        args.rejectUnknown();
        Graph g = model != null ? ModelFiles.load(model) : new MobileNetV1Builder().alpha(alpha).resolution(resolution).build();
        Engine engine = CompiledModel.compile(g).newEngine(1);
        double warmupMs = 0;
        if (warm) {
            WarmUp.Report r = WarmUp.run(engine, 60_000);
            warmupMs = r.millis();
        }
        long t0 = System.nanoTime();
        engine.run(1);
        double ms = (System.nanoTime() - t0) / 1e6;
        out.println("first_ms=" + ms + " warmup_ms=" + warmupMs);
        return 0;
    }

    static Result parse(String output) throws IOException {
        for (String line : output.split("\n")) {
            if (line.startsWith("first_ms=")) {
                String[] p = line.strip().split(" ");
                return new Result(Double.parseDouble(p[0].substring(9)), Double.parseDouble(p[1].substring(10)));
            }
        }
        throw new IOException("no first_ms line in: " + output);
    }
}
