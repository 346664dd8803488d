package org.flinkmobilenet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.flinkmobilenet.engine.Classifier;
import org.flinkmobilenet.engine.MobileNetModel;
import org.flinkmobilenet.engine.Models;
import org.flinkmobilenet.engine.Prediction;
import org.flinkmobilenet.engine.graph.InputNormalization;
import org.flinkmobilenet.engine.image.ImageDecodeException;
import org.flinkmobilenet.engine.image.ImageDecoder;
import org.flinkmobilenet.engine.image.ImageFormat;
import org.flinkmobilenet.engine.image.ImageLimits;
import org.flinkmobilenet.engine.image.RgbImage;
import org.flinkmobilenet.engine.util.Json;

/** {@code ./mobilenet classify}: top-k labels of image files, one JSON object per line. */
final class ClassifyCommand {

    static final String HELP = """
            usage: ./mobilenet classify --model FILE[,FILE] [options] IMAGE...

              --model FILE[,FILE]  a TFLite model; two files chain (feature extractor, then head)
              --labels FILE        label list (default: labels inside the model, else ImageNet's for
                                   1000/1001-class models, else class_N)
              --top K              how many classes to print (default 5)
              --crop F             central crop fraction before resizing, in (0, 1] (default 1: whole picture)
              --raw-size WxH       size of raw RGB24 images (*.rgb); default: square, from the file length
              --normalization N    input normalisation instead of the model's own: imagenet,
                                   minus-one-to-one, or mean=M[,M,M];std=S[,S,S] on 0..255 pixels
                                   (for ONNX files that do not record theirs)

            Prints one line per image:
              {"image": PATH, "top": [{"index": I, "label": L, "score": S}, ...], "ms": M}
            where index is in the model's own output space and ms is the inference time. An image that
            cannot be read gives {"image": PATH, "error": MESSAGE} and the others go on. Exit status 1
            if any image failed, 2 for a bad model or bad options.
            """;

    private final PrintStream out;
    private final PrintStream err;

    ClassifyCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args args = new Args(argv, 0, Set.of("help"));
        if (args.flag("help")) {
            out.print(HELP);
            return 0;
        }
        String modelSpec = args.required("model");
        String labels = args.get("labels", null);
        int top = args.getInt("top", 5);
        double crop = args.getDouble("crop", 1.0);
        String rawSize = args.get("raw-size", null);
        String normalization = args.get("normalization", null);
        args.rejectUnknown();
        if (top < 1) {
            throw new Args.UsageException("--top must be at least 1");
        }
        if (!(crop > 0 && crop <= 1)) {
            throw new Args.UsageException("--crop must be in (0, 1]");
        }
        if (args.positional().isEmpty()) {
            throw new Args.UsageException("no image given");
        }
        InputNormalization norm;
        try {
            norm = normalization == null ? null : InputNormalization.parse(normalization);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        MobileNetModel model;
        try {
            model = Models.load(modelSpec, labels == null ? null : Path.of(labels), norm);
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (model.compiled().graph().synthetic()) {
            err.println("error: " + model.id() + " has synthetic weights and cannot classify");
            return 2;
        }
        Classifier classifier = new Classifier(model, 1, (float) crop);
        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        int failures = 0;
        for (String image : args.positional()) {
            try {
                RgbImage pixels = read(decoder, Path.of(image), rawSize);
                classifier.setInput(0, pixels);
                long t0 = System.nanoTime();
                classifier.run(1);
                double ms = (System.nanoTime() - t0) / 1e6;
                out.println(line(image, classifier.top(0, top), ms));
            } catch (IOException | ImageDecodeException e) {
                failures++;
                out.println("{\"image\": " + Json.quote(image) + ", \"error\": " + Json.quote(e.getMessage()) + "}");
            }
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private static RgbImage read(ImageDecoder decoder, Path file, String rawSize)
            throws IOException, ImageDecodeException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        byte[] bytes = Files.readAllBytes(file);
        if (ImageFormat.ofFileName(file.toString()) == ImageFormat.RGB24) {
            int w, h;
            if (rawSize != null) {
                String[] p = rawSize.toLowerCase().split("x");
                if (p.length != 2) {
                    throw new Args.UsageException("--raw-size must look like 224x224");
                }
                w = Integer.parseInt(p[0].strip());
                h = Integer.parseInt(p[1].strip());
            } else {
                int side = (int) Math.round(Math.sqrt(bytes.length / 3.0));
                if (side * side * 3 != bytes.length) {
                    throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT, "raw RGB24 of "
                            + bytes.length + " bytes is not square; give --raw-size WxH");
                }
                w = h = side;
            }
            return decoder.decodeRaw(bytes, w, h);
        }
        return decoder.decode(bytes, null);
    }

    static String line(String image, List<Prediction> top, double ms) {
        StringBuilder b = new StringBuilder("{\"image\": ").append(Json.quote(image)).append(", \"top\": [");
        for (int i = 0; i < top.size(); i++) {
            Prediction p = top.get(i);
            b.append(i == 0 ? "" : ", ").append("{\"index\": ").append(p.index())
                    .append(", \"label\": ").append(Json.quote(p.label()))
                    .append(", \"score\": ").append(Json.number(p.score(), 6)).append('}');
        }
        return b.append("], \"ms\": ").append(Json.number(ms, 3)).append('}').toString();
    }
}
