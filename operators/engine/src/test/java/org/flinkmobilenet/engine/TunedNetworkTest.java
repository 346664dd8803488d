package org.flinkmobilenet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.flinkmobilenet.engine.builder.MobileNetV1Builder;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.image.Preprocessor;
import org.flinkmobilenet.engine.image.RgbImage;
import org.flinkmobilenet.engine.kernels.KernelSelector;
import org.flinkmobilenet.engine.kernels.ReferenceKernelSet;
import org.flinkmobilenet.engine.model.Labels;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole networks, tuned kernels against reference kernels, on the real models and photos: logits
 * within 1e-4 relative to the largest logit (absolute floor), and the same top-5.
 */
class TunedNetworkTest {

    private static final String[] PHOTOS = {"coral_cat.bmp", "tflite-support_burger.jpg", "coral_parrot.jpg",
            "coral_grace_hopper.bmp", "tflite-support_sparrow.png"};

    private static float[][] logits(Graph graph, boolean tuned, List<RgbImage> images) {
        CompiledModel m = CompiledModel.compile(graph, tuned ? KernelSelector.vector() : ReferenceKernelSet.INSTANCE);
        Engine e = m.newEngine(images.size());
        Preprocessor p = new Preprocessor(graph.inputShape().h(), graph.inputShape().w(), 1f, graph.normalization());
        for (int i = 0; i < images.size(); i++) {
            p.fill(images.get(i), e.arena(), e.inputOffset(i));
        }
        e.run(images.size());
        float[][] out = new float[images.size()][graph.classes()];
        for (int i = 0; i < images.size(); i++) {
            e.copyOutput(i, out[i]);
        }
        return out;
    }

    private static void compare(String name, Graph graph) {
        List<RgbImage> images = new ArrayList<>();
        for (String p : PHOTOS) {
            images.add(TestData.photo(p));
        }
        Graph logits = graph.logits();
        float[][] ref = logits(logits, false, images), got = logits(logits, true, images);
        Labels labels = Labels.numbered(graph.classes());
        for (int i = 0; i < images.size(); i++) {
            float scale = 0;
            for (float v : ref[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
            double worst = 0;
            for (int c = 0; c < ref[i].length; c++) {
                worst = Math.max(worst, Math.abs(got[i][c] - ref[i][c]));
            }
            float tol = 1e-4f * Math.max(scale, 1f);
            if (worst > tol) {
                throw new AssertionError(name + ", " + PHOTOS[i] + ": max |tuned - reference| logit difference "
                        + worst + " above " + tol);
            }
            List<Integer> refTop = TopK.of(ref[i], 0, ref[i].length, 5, labels).stream().map(Prediction::index).toList();
            List<Integer> gotTop = TopK.of(got[i], 0, got[i].length, 5, labels).stream().map(Prediction::index).toList();
            assertEquals(refTop, gotTop, name + ", " + PHOTOS[i] + ": top-5");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "flagship",
        "mobilenet_v1/mobilenet_v1_0.25_224_1_default_1.tflite",
        "mobilenet_v1/mobilenet_v1_0.75_192_quant.tflite",
        "mobilenet_v2/mobilenet_v2_1.0_224_quant.tflite",
        "mobilenet_v2/tf2_mobilenet_v2_1.0_224_ptq.tflite",
    })
    void realModels(String model) throws Exception {
        String spec = model.equals("flagship") ? TestData.flagship() : TestData.model(model).toString();
        compare(model, ModelFiles.load(spec));
    }

    @ParameterizedTest(name = "fused depthwise+pointwise = unfused, bit for bit: {0}")
    @ValueSource(strings = {
        "flagship",
        "mobilenet_v1/mobilenet_v1_0.75_192_quant.tflite",
        "mobilenet_v2/mobilenet_v2_1.0_224_quant.tflite",
        "mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite",
    })
    void fusionChangesNoBit(String model) throws Exception {
        String spec = model.equals("flagship") ? TestData.flagship() : TestData.model(model).toString();
        Graph g = ModelFiles.load(spec);
        List<RgbImage> images = List.of(TestData.photo("coral_cat.bmp"), TestData.photo("coral_parrot.jpg"));
        CompiledModel fused = CompiledModel.compile(g, KernelSelector.vector(), true);
        CompiledModel unfused = CompiledModel.compile(g, KernelSelector.vector(), false);
        long pairs = fused.layers().stream().filter(l -> l.kernel().name().endsWith("+gemm")).count();
        assertEquals(unfused.layers().size() - pairs, fused.layers().size());
        org.junit.jupiter.api.Assertions.assertTrue(pairs >= 13, model + ": only " + pairs + " fused pairs");
        float[][] a = run(fused, images), b = run(unfused, images);
        for (int i = 0; i < images.size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(b[i], a[i], 0f, model + ", image " + i);
        }
    }

    private static float[][] run(CompiledModel m, List<RgbImage> images) {
        Graph graph = m.graph();
        Engine e = m.newEngine(images.size());
        Preprocessor p = new Preprocessor(graph.inputShape().h(), graph.inputShape().w(), 1f, graph.normalization());
        for (int i = 0; i < images.size(); i++) {
            p.fill(images.get(i), e.arena(), e.inputOffset(i));
        }
        e.run(images.size());
        float[][] out = new float[images.size()][graph.classes()];
        for (int i = 0; i < images.size(); i++) {
            e.copyOutput(i, out[i]);
        }
        return out;
    }

    @ParameterizedTest(name = "built-in v1 {0}")
    @ValueSource(strings = {"0.5/160", "1.0/128"})
    void builtInNetworks(String size) {
        String[] p = size.split("/");
        Graph g = new MobileNetV1Builder().alpha(Double.parseDouble(p[0])).resolution(Integer.parseInt(p[1])).build();
        compare("v1 " + size, g);
    }
}
