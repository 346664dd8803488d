package org.flinkmobilenet.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flinkmobilenet.engine.CompiledModel;
import org.flinkmobilenet.engine.TestData;
import org.flinkmobilenet.engine.builder.MobileNetV1Builder;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ONNX Runtime as an independent implementation: each real model is exported, run in ONNX Runtime
 * and compared with the engine's reference kernels on real photos. Logits (the values before the
 * softmax) are compared, where float differences are not squashed: within {@value #TOLERANCE}
 * absolute, and the top-5 classes identical. One session per model for the whole class.
 */
class OnnxRuntimeOracleTest {

    static final double TOLERANCE = 1e-4;

    private record Model(Graph graph, CompiledModel engine, OrtSession ort) {}

    private static final Map<String, Model> MODELS = new LinkedHashMap<>();

    @BeforeAll
    static void exportAndOpen() throws Exception {
        open("flagship", ModelFiles.load(TestData.flagship()).logits());
        open("v1-0.25-float", ModelFiles.load(TestData.model("mobilenet_v1/mobilenet_v1_0.25_224_1_default_1.tflite")
                .toString()).logits());
        open("v2-quant", ModelFiles.load(TestData.model("mobilenet_v2/mobilenet_v2_1.0_224_quant.tflite")
                .toString()).logits());
        // The builder's network has what the TFLite files lack: a dense layer (Gemm) and a softmax output.
        Graph built = new MobileNetV1Builder().alpha(0.25).resolution(128).seed(7).build();
        open("builder-v1-0.25-128", built);
        open("builder-v1-0.25-128-logits", built.logits());
    }

    private static void open(String key, Graph graph) throws Exception {
        MODELS.put(key, new Model(graph, OnnxTestSupport.reference(graph),
                OnnxTestSupport.session(OnnxExporter.export(graph))));
    }

    @AfterAll
    static void close() throws Exception {
        for (Model m : MODELS.values()) {
            m.ort().close();
        }
        MODELS.clear();
    }

    @ParameterizedTest(name = "{0} on {1}: top-1 {2}")
    @CsvSource({
        "flagship, coral_cat.bmp, 286",
        "flagship, tflite-support_burger.jpg, 934",
        "flagship, coral_parrot.jpg, 89",
        "v1-0.25-float, tflite-support_burger.jpg, 934",
        "v1-0.25-float, coral_parrot.jpg, 89",
        "v2-quant, coral_cat.bmp, 286",
        "v2-quant, tflite-support_burger.jpg, 934",
    })
    void logitsAgreeWithOnnxRuntime(String key, String photo, int expectedTop1) throws Exception {
        Model m = MODELS.get(key);
        assertTrue(!m.graph().outputIsProbabilities(), key + " is compared on logits");
        float[] x = OnnxTestSupport.photo(m.graph(), photo);
        float[] engine = OnnxTestSupport.runEngine(m.engine(), x);
        float[] ort = OnnxTestSupport.runOrt(m.ort(), m.graph().inputShape(), x)[0];
        double diff = OnnxTestSupport.maxAbsDiff(engine, ort);
        System.out.printf(Locale.ROOT, "onnx-oracle %s %s: max |logit difference| %.3g (largest |logit| %.3g)%n",
                key, photo, diff, OnnxTestSupport.maxAbs(engine));
        assertTrue(diff <= TOLERANCE, key + " on " + photo + ": max |engine - onnxruntime| = " + diff);
        List<Integer> top5 = OnnxTestSupport.topK(engine, 5);
        assertEquals(top5, OnnxTestSupport.topK(ort, 5), key + " on " + photo + ": top-5 classes");
        assertEquals(expectedTop1, top5.get(0), key + " on " + photo + ": top-1 class");
    }

    @Test
    void builderNetworkWithDenseLayerAndSoftmaxAgrees() throws Exception {
        Model logits = MODELS.get("builder-v1-0.25-128-logits");
        Model full = MODELS.get("builder-v1-0.25-128");
        assertTrue(full.graph().outputIsProbabilities());
        float[] x = OnnxTestSupport.photo(full.graph(), "coral_bird.bmp");
        float[] engineLogits = OnnxTestSupport.runEngine(logits.engine(), x);
        float[] ortLogits = OnnxTestSupport.runOrt(logits.ort(), logits.graph().inputShape(), x)[0];
        double diff = OnnxTestSupport.maxAbsDiff(engineLogits, ortLogits);
        System.out.printf(Locale.ROOT, "onnx-oracle builder v1 0.25/128 (synthetic): max |logit difference| %.3g "
                + "(largest |logit| %.3g)%n", diff, OnnxTestSupport.maxAbs(engineLogits));
        assertTrue(diff <= TOLERANCE, "logits differ by " + diff);

        float[] x2 = OnnxTestSupport.photo(full.graph(), "coral_bird.bmp");
        float[] engineProbabilities = OnnxTestSupport.runEngine(full.engine(), x2);
        float[] ortProbabilities = OnnxTestSupport.runOrt(full.ort(), full.graph().inputShape(), x2)[0];
        double sum = 0;
        for (float p : ortProbabilities) {
            sum += p;
        }
        assertEquals(1.0, sum, 1e-4, "the exported softmax sums to 1");
        // probabilities are about 1/1000 each here, so compare relative to the largest
        double pdiff = OnnxTestSupport.maxAbsDiff(engineProbabilities, ortProbabilities);
        assertTrue(pdiff <= 1e-5 * OnnxTestSupport.maxAbs(engineProbabilities), "probabilities differ by " + pdiff);
        assertEquals(OnnxTestSupport.topK(engineProbabilities, 5), OnnxTestSupport.topK(ortProbabilities, 5));
        assertEquals(OnnxTestSupport.topK(engineLogits, 5), OnnxTestSupport.topK(engineProbabilities, 5));
    }

    @Test
    void theExportedBatchDimensionIsDynamic() throws Exception {
        Model m = MODELS.get("v1-0.25-float");
        float[] a = OnnxTestSupport.photo(m.graph(), "coral_cat.bmp");
        float[] b = OnnxTestSupport.photo(m.graph(), "coral_parrot.jpg");
        float[][] both = OnnxTestSupport.runOrt(m.ort(), m.graph().inputShape(), a, b);
        assertEquals(2, both.length);
        assertArrayEquals(OnnxTestSupport.runOrt(m.ort(), m.graph().inputShape(), a)[0], both[0], 1e-5f);
        assertArrayEquals(OnnxTestSupport.runOrt(m.ort(), m.graph().inputShape(), b)[0], both[1], 1e-5f);
        assertEquals(List.of(1001), List.of(both[1].length));
    }
}
