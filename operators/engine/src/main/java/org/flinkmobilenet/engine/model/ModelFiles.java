package org.flinkmobilenet.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.onnx.OnnxLoader;
import org.flinkmobilenet.engine.tflite.TfliteLoader;

/**
 * Turns a model specification, as users write it on a command line, into a {@link Graph}: one file, or
 * several chained files separated by commas ({@code extractor.tflite,head.tflite}). The format is
 * recognised from the file's content.
 */
public final class ModelFiles {

    private ModelFiles() {}

    /** Larger model files are refused before being read into memory. */
    public static final long MAX_FILE_BYTES = 1L << 30;

    /** A model file's bytes, with the size checked first and every failure naming the file. */
    public static byte[] read(Path file) throws ModelLoadException {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ModelLoadException(file + ": " + size + " bytes is larger than the " + MAX_FILE_BYTES
                        + "-byte limit for a model file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file + ": no such model file", e);
        } catch (ModelLoadException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read model file: " + e.getMessage(), e);
        }
    }

    public static List<Path> paths(String spec) throws ModelLoadException {
        if (spec == null || spec.isBlank()) {
            throw new ModelLoadException("no model given");
        }
        List<Path> paths = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                throw new ModelLoadException("empty file name in model list '" + spec + "'");
            }
            paths.add(Path.of(part.strip()));
        }
        return paths;
    }

    public static Graph load(String spec) throws IOException {
        List<Path> files = paths(spec);
        for (Path file : files) {
            if (OnnxLoader.isOnnx(file)) {
                return OnnxLoader.load(files);
            }
        }
        return TfliteLoader.load(files);
    }

    /** Labels for a graph and where they came from: a file, the model itself, or the bundled ImageNet list. */
    public record ResolvedLabels(Labels labels, String source) {}

    public static ResolvedLabels labels(Graph graph, Path labelsFile) throws IOException {
        int classes = graph.classes();
        if (labelsFile != null) {
            List<String> lines;
            try {
                lines = Labels.read(labelsFile);
            } catch (IOException e) {
                throw new ModelLoadException(labelsFile + ": cannot read labels: " + e.getMessage(), e);
            }
            return new ResolvedLabels(Labels.forClasses(lines, classes, labelsFile.toString()), labelsFile.toString());
        }
        if (!graph.labels().isEmpty()) {
            return new ResolvedLabels(Labels.forClasses(graph.labels(), classes, graph.name() + " (embedded labels)"),
                    "embedded in " + graph.name());
        }
        if (!graph.synthetic() && (classes == 1000 || classes == 1001)) {
            return new ResolvedLabels(Labels.forClasses(bundledImageNet(), classes, "bundled ImageNet labels"),
                    "bundled ImageNet labels");
        }
        return new ResolvedLabels(Labels.numbered(classes), "numbered (no labels)");
    }

    static List<String> bundledImageNet() throws IOException {
        try (InputStream in = ModelFiles.class.getResourceAsStream("imagenet_labels_1001.txt")) {
            if (in == null) {
                throw new IOException("bundled ImageNet labels are missing from the jar");
            }
            return Labels.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
