package org.flinkmobilenet.engine.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.InputNormalization;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.flinkmobilenet.engine.model.ModelLoadException;

/**
 * Reads ONNX MobileNets (v1 and v2 as PyTorch, Keras converters and {@link OnnxExporter} write them)
 * into a {@link Graph}. Supported: opsets {@value #MIN_OPSET} to {@value #MAX_OPSET} of the standard
 * domain; Conv (group 1 or depthwise), BatchNormalization (folded), Relu and Clip (attribute and input
 * forms, any range), Add, Mul by a constant, GlobalAveragePool, ReduceMean over H and W, AveragePool,
 * Flatten, Reshape, Squeeze, Unsqueeze, Gemm, MatMul (+ Add), Softmax, Dropout, Identity, Constant,
 * Shape/Gather/Unsqueeze/Concat computing a Reshape's target, and NHWC inputs or maps with Transposes.
 *
 * <p>The input normalisation is not part of an ONNX graph. It is, in order: the one the caller passes;
 * the one recorded in the file's metadata by {@link OnnxExporter} ({@value #META_MEAN}, {@value #META_STD});
 * otherwise torchvision's ImageNet mean/std ({@link InputNormalization#IMAGENET}), the convention of
 * most published ONNX MobileNets.
 *
 * <p>Every failure is a {@link ModelLoadException} naming the file and the node, op or attribute at fault.
 */
public final class OnnxLoader {

    public static final int MIN_OPSET = 7;
    public static final int MAX_OPSET = 23;

    /** Metadata keys the exporter writes and the loader reads. */
    public static final String META_MEAN = "mobilenet.normalization.mean";
    public static final String META_STD = "mobilenet.normalization.std";
    public static final String META_LABELS = "mobilenet.labels";
    public static final String META_SYNTHETIC = "mobilenet.synthetic";

    private OnnxLoader() {}

    /** True when {@code file} is named *.onnx or its first bytes look like a ModelProto rather than TFLite. */
    public static boolean isOnnx(Path file) throws IOException {
        if (file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            return true;
        }
        if (!Files.isRegularFile(file)) {
            return false;
        }
        byte[] head = new byte[8];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        return looksLikeOnnx(Arrays.copyOf(head, n));
    }

    /**
     * A TFLite flatbuffer carries "TFL3" at bytes 4..7; an ONNX ModelProto starts with the tag of its
     * ir_version field (field 1, varint: 0x08) as every writer emits it first.
     */
    public static boolean looksLikeOnnx(byte[] head) {
        boolean tflite = head.length >= 8 && head[4] == 'T' && head[5] == 'F' && head[6] == 'L' && head[7] == '3';
        return !tflite && head.length > 1 && head[0] == 0x08;
    }

    /** Loads a model spec's files: ONNX models are always one file. */
    public static Graph load(List<Path> files) throws IOException {
        if (files.size() != 1) {
            throw new ModelLoadException(files + ": an ONNX model is one file; only TFLite files chain");
        }
        return load(files.get(0), null);
    }

    public static Graph load(Path file) throws IOException {
        return load(file, null);
    }

    /** Loads with this input normalisation; null takes it from the file's metadata, else ImageNet's. */
    public static Graph load(Path file, InputNormalization normalization) throws IOException {
        byte[] bytes = ModelFiles.read(file);
        return load(file.toString(), bytes, normalization);
    }

    /** Loads an in-memory model; {@code name} is used in messages and as the graph's name. */
    public static Graph load(String name, byte[] bytes, InputNormalization normalization) throws ModelLoadException {
        OnnxModel model = OnnxReader.read(name, bytes);
        long opset = defaultOpset(name, model);
        InputNormalization norm = normalization != null ? normalization : metadataNormalization(name, model);
        List<String> labels = labels(model);
        boolean synthetic = Boolean.parseBoolean(model.metadata().getOrDefault(META_SYNTHETIC, "false"));
        OnnxGraphConverter converter = new OnnxGraphConverter(model.graph(), opset);
        String graphName = model.graph().name().isEmpty() ? Path.of(name).getFileName().toString() : model.graph().name();
        try {
            return converter.convert(graphName, norm, labels, synthetic);
        } catch (OnnxImportProblem | IllegalArgumentException e) {
            throw new ModelLoadException(name + ": " + converter.where() + ": " + e.getMessage(), e);
        } catch (IndexOutOfBoundsException | ArithmeticException | NegativeArraySizeException | NullPointerException e) {
            // not expected from any file; named rather than let through, so a bad file is still a load error
            throw new ModelLoadException(name + ": " + converter.where() + ": inconsistent model (" + e + ")", e);
        }
    }

    private static long defaultOpset(String file, OnnxModel model) throws ModelLoadException {
        long opset = -1;
        for (OnnxModel.OpsetId id : model.opsets()) {
            if (id.domain().isEmpty() || id.domain().equals("ai.onnx")) {
                opset = id.version();
            }
        }
        if (opset < 0) {
            throw new ModelLoadException(file + ": the model imports no opset of the standard ONNX domain");
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new ModelLoadException(file + ": opset " + opset + " is not supported (" + MIN_OPSET + " to "
                    + MAX_OPSET + ")");
        }
        return opset;
    }

    private static InputNormalization metadataNormalization(String file, OnnxModel model) throws ModelLoadException {
        String mean = model.metadata().get(META_MEAN), std = model.metadata().get(META_STD);
        if (mean == null && std == null) {
            return InputNormalization.IMAGENET;
        }
        try {
            return new InputNormalization(parseFloats(mean), parseFloats(std));
        } catch (RuntimeException e) {
            throw new ModelLoadException(file + ": metadata " + META_MEAN + "='" + mean + "', " + META_STD + "='" + std
                    + "' is not a normalisation: " + e.getMessage(), e);
        }
    }

    private static float[] parseFloats(String text) {
        String[] parts = text.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i].strip());
        }
        return out;
    }

    private static List<String> labels(OnnxModel model) {
        String text = model.metadata().get(META_LABELS);
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        return List.of(text.split("\n", -1));
    }
}
