package org.flinkmobilenet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;
import org.flinkmobilenet.engine.CompiledModel;
import org.flinkmobilenet.engine.builder.MobileNetV1Builder;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.flinkmobilenet.engine.profile.ModelProfile;

/** {@code ./mobilenet profile}: the paper's per-layer table, computed from the network the engine runs. */
final class ProfileCommand {

    static final String HELP = """
            usage: ./mobilenet profile (--model FILE[,FILE] | --arch mobilenet_v1 --alpha A --resolution R
                                        [--standard-conv]) [options]

              --model FILE[,FILE]   a TFLite model (two files chain)
              --arch mobilenet_v1   the built-in MobileNet v1 with seeded synthetic weights
              --alpha A             width multiplier (default 1.0)
              --resolution R        input size, a multiple of 32 (default 224)
              --classes N           classifier outputs of the built-in network (default 1000, as in the paper)
              --standard-conv       full 3x3 convolutions instead of depthwise-separable pairs
              --format table|json   output format (default table)
              --runs N              timed single-frame runs, median reported (default 5; 0: no timing)
              --warmup N            untimed runs first (default 2)

            Multiply-adds count the multiplies of convolutions and dense layers, as the paper does;
            parameters are weights (biases are listed apart).
            """;

    private final PrintStream out;
    private final PrintStream err;

    ProfileCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("help", "standard-conv"));
        if (args.flag("help")) {
            out.print(HELP);
            return 0;
        }
        String model = args.get("model", null);
        String arch = args.get("arch", null);
        double alpha = args.getDouble("alpha", 1.0);
        int resolution = args.getInt("resolution", 224);
        int classes = args.getInt("classes", 1000);
        boolean standard = args.flag("standard-conv");
        String format = args.get("format", "table");
        int runs = args.getInt("runs", 5);
        int warmup = args.getInt("warmup", 2);
        args.rejectUnknown();
        if ((model == null) == (arch == null)) {
            throw new Args.UsageException("give either --model or --arch");
        }
        if (!format.equals("table") && !format.equals("json")) {
            throw new Args.UsageException("--format must be table or json");
        }
        if (runs < 0 || warmup < 0) {
            throw new Args.UsageException("--runs and --warmup must not be negative");
        }
        Graph graph;
        try {
            if (model != null) {
                graph = ModelFiles.load(model);
            } else if (arch.equals("mobilenet_v1")) {
                graph = new MobileNetV1Builder().alpha(alpha).resolution(resolution).classes(classes)
                        .standardConvolutions(standard).build();
            } else {
                throw new Args.UsageException("unknown --arch '" + arch + "' (known: mobilenet_v1)");
            }
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        ModelProfile profile = ModelProfile.measure(CompiledModel.compile(graph), warmup, runs);
        out.println(format.equals("json") ? profile.toJson() : profile.toTable());
        return 0;
    }
}
