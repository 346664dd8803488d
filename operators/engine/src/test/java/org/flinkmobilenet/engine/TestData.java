package org.flinkmobilenet.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flinkmobilenet.engine.image.ImageDecodeException;
import org.flinkmobilenet.engine.image.ImageDecoder;
import org.flinkmobilenet.engine.image.ImageLimits;
import org.flinkmobilenet.engine.image.RgbImage;

/** Paths of the models and photos shipped in the repository, for tests. */
public final class TestData {

    private TestData() {}

    public static Path root() {
        String root = System.getProperty("mobilenet.repo.root");
        Path p = root != null ? Path.of(root) : Path.of("../..");
        if (!Files.isDirectory(p.resolve("models"))) {
            throw new IllegalStateException("cannot find the repository's models/ folder from " + p.toAbsolutePath()
                    + "; run the tests through Maven (which sets mobilenet.repo.root)");
        }
        return p;
    }

    public static Path model(String relative) {
        return root().resolve("models").resolve(relative);
    }

    public static Path image(String name) {
        return root().resolve("test-images").resolve(name);
    }

    public static String flagship() {
        return model("mobilenet_v1/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite") + ","
                + model("mobilenet_v1/mobilenet_quant_v1_224_head_layers.tflite");
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RgbImage photo(String name) {
        try {
            return new ImageDecoder(ImageLimits.DEFAULT).decode(bytes(image(name)), null);
        } catch (ImageDecodeException e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
    }
}
