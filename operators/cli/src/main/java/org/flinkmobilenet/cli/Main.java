package org.flinkmobilenet.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** Entry point of {@code ./mobilenet}: dispatches to one subcommand. */
public final class Main {

    static final String USAGE = """
            usage: ./mobilenet <command> [options]

            commands:
              classify --model FILE[,FILE] [--labels FILE] [--top K] [--crop F] [--raw-size WxH] IMAGE...
                  one JSON line per image: {"image", "top": [{"index", "label", "score"}], "ms"}
              profile (--model FILE[,FILE] | --arch mobilenet_v1 --alpha A --resolution R [--standard-conv])
                      [--format table|json] [--runs N] [--warmup N]
                  the per-layer table: output shape, multiply-adds, parameters, measured time, shares by type

              bench [--arch mobilenet_v1 --alpha A --resolution R | --model FILE] [--vs-onnxruntime]
                    [--sections LIST] [--format table|json]
                  kernel GFLOP/s against this machine's FMA peak, whole-network ms/frame, the width and
                  resolution grid, standard vs separable, batching, first-frame latency, ONNX Runtime
              export-onnx (--model FILE[,FILE] | --arch mobilenet_v1 --alpha A --resolution R) --out FILE [--logits]
                  writes the model as ONNX (opset 13, NCHW input [N, 3, H, W], normalisation in the metadata)
              cameras --bootstrap-servers HOST:PORT [--cameras N] [--fps F] [--duration S] [--create-topics T,...]
                  simulated cameras: JPEG frames of the shipped photos to the frames topic, with the frame headers
              labels --bootstrap-servers HOST:PORT [--duration S] [--prometheus URL,...] [--check]
                  prints labels live with a throughput line; ends with a summary whose last line is JSON

            Run a command with --help for its options.
            """;

    private Main() {}

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs a command and returns the process exit code (0 ok, 1 failure, 2 usage). */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            out.print(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        String command = argv[0];
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        try {
            return switch (command) {
                case "classify" -> new ClassifyCommand(out, err).run(rest);
                case "profile" -> new ProfileCommand(out, err).run(rest);
                case "bench" -> new BenchCommand(out, err).run(rest);
                case "first-frame" -> new FirstFrameCommand(out).run(rest);
                case "export-onnx" -> new ExportOnnxCommand(out, err).run(rest);
                case "cameras" -> new CamerasCommand(out, err).run(rest);
                case "labels" -> new CamerasLabelsCommand(out, err).run(rest);
                default -> {
                    err.println("error: unknown command '" + command + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (Args.UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("run ./mobilenet " + command + " --help for its options");
            return 2;
        } catch (java.io.IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return 1;
        }
    }
}
