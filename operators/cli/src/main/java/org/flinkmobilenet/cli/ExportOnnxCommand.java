package org.flinkmobilenet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.flinkmobilenet.engine.builder.MobileNetV1Builder;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.flinkmobilenet.engine.onnx.OnnxExporter;
import org.flinkmobilenet.engine.onnx.OnnxLoader;
import org.flinkmobilenet.engine.util.Json;

/** {@code ./mobilenet export-onnx}: writes the network the engine holds as an ONNX file. */
final class ExportOnnxCommand {

    static final String HELP = """
            usage: ./mobilenet export-onnx (--model FILE[,FILE] | --arch mobilenet_v1 --alpha A --resolution R)
                                           --out FILE [options]

              --model FILE[,FILE]   a TFLite or ONNX model (two TFLite files chain); quantized weights are
                                    written dequantized, as the engine runs them
              --arch mobilenet_v1   the built-in MobileNet v1 with seeded synthetic weights
              --alpha A             width multiplier (default 1.0)
              --resolution R        input size, a multiple of 32 (default 224)
              --classes N           classifier outputs of the built-in network (default 1000)
              --standard-conv       full 3x3 convolutions instead of depthwise-separable pairs
              --seed S              seed of the built-in network's weights (default 42)
              --logits              leave out a final softmax: the output is the logits
              --out FILE            where to write the .onnx file

            The file is ONNX opset 13: input [N, 3, H, W] float32 (NCHW, N dynamic), already normalised as
            (pixel - mean) / std with the model's mean and std, which are recorded in the file's metadata
            (mobilenet.normalization.mean/std) together with the labels; output [N, classes]. The written
            file is read back once to check it. Prints one JSON line describing it.
            """;

    private final PrintStream out;
    private final PrintStream err;

    ExportOnnxCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("help", "standard-conv", "logits"));
        if (args.flag("help")) {
            out.print(HELP);
            return 0;
        }
        String model = args.get("model", null);
        String arch = args.get("arch", null);
        double alpha = args.getDouble("alpha", 1.0);
        int resolution = args.getInt("resolution", 224);
        int classes = args.getInt("classes", 1000);
        int seed = args.getInt("seed", 42);
        boolean standard = args.flag("standard-conv");
        boolean logits = args.flag("logits");
        String outFile = args.required("out");
        args.rejectUnknown();
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected arguments " + args.positional());
        }
        if ((model == null) == (arch == null)) {
            throw new Args.UsageException("give either --model or --arch");
        }
        Graph graph;
        try {
            if (model != null) {
                graph = ModelFiles.load(model);
            } else if (arch.equals("mobilenet_v1")) {
                graph = new MobileNetV1Builder().alpha(alpha).resolution(resolution).classes(classes)
                        .standardConvolutions(standard).seed(seed).build();
            } else {
                throw new Args.UsageException("unknown --arch '" + arch + "' (known: mobilenet_v1)");
            }
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (logits) {
            graph = graph.logits();
        }
        Path target = Path.of(outFile);
        byte[] bytes = OnnxExporter.export(graph);
        try {
            Files.write(target, bytes);
        } catch (NoSuchFileException e) {
            err.println("error: cannot write " + target + ": its directory does not exist");
            return 1;
        } catch (IOException e) {
            err.println("error: cannot write " + target + ": " + e);
            return 1;
        }
        try {
            Graph check = OnnxLoader.load(target);
            Shape in = check.inputShape();
            out.println("{\"out\": " + Json.quote(target.toString())
                    + ", \"bytes\": " + bytes.length
                    + ", \"opset\": " + OnnxExporter.OPSET
                    + ", \"input\": [\"N\", 3, " + in.h() + ", " + in.w() + "]"
                    + ", \"output\": [\"N\", " + check.classes() + "]"
                    + ", \"output_is\": " + Json.quote(check.outputIsProbabilities() ? "probabilities" : "logits")
                    + ", \"layers\": " + check.nodes().size()
                    + ", \"mean\": " + Arrays.toString(check.normalization().mean())
                    + ", \"std\": " + Arrays.toString(check.normalization().std())
                    + ", \"labels\": " + check.labels().size()
                    + ", \"source\": " + Json.quote(graph.name()) + "}");
            return 0;
        } catch (IOException e) {
            err.println("error: the written file does not read back: " + e.getMessage());
            return 1;
        }
    }
}
