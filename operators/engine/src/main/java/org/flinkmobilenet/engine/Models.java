package org.flinkmobilenet.engine;

import java.io.IOException;
import java.nio.file.Path;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.InputNormalization;
import org.flinkmobilenet.engine.model.ModelFiles;

/** Loads and compiles models: the entry point for the CLI and the Flink operator. */
public final class Models {

    private Models() {}

    /** Loads {@code spec} (a file, or comma-separated chained files), resolves labels and compiles. */
    public static MobileNetModel load(String spec, Path labelsFile) throws IOException {
        Graph graph = ModelFiles.load(spec);
        return compile(spec, graph, labelsFile);
    }

    /**
     * Loads {@code spec} with its input normalisation replaced: for models whose files do not say how
     * their input was normalised (ONNX without metadata), or to override what they say.
     */
    public static MobileNetModel load(String spec, Path labelsFile, InputNormalization normalization)
            throws IOException {
        Graph graph = ModelFiles.load(spec);
        return compile(spec, normalization == null ? graph : graph.withNormalization(normalization), labelsFile);
    }

    public static MobileNetModel compile(String id, Graph graph, Path labelsFile) throws IOException {
        ModelFiles.ResolvedLabels labels = ModelFiles.labels(graph, labelsFile);
        return new MobileNetModel(id, CompiledModel.compile(graph), labels.labels(), labels.source());
    }
}
