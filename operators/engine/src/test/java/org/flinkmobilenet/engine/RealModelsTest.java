package org.flinkmobilenet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.flinkmobilenet.engine.image.ImageDecoder;
import org.flinkmobilenet.engine.image.ImageLimits;
import org.flinkmobilenet.engine.image.RgbImage;
import org.flinkmobilenet.engine.kernels.ReferenceKernelSet;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real pretrained weights on real photos, through the reference kernels: the top-1 class upstream's
 * own tests expect (models/UPSTREAM-README.md), with a score floor rather than an exact score.
 */
class RealModelsTest {

    private static Classifier flagship;
    private static Classifier v1Float;
    private static Classifier v2Quant;

    private static Classifier reference(String spec) throws Exception {
        var graph = ModelFiles.load(spec);
        var labels = ModelFiles.labels(graph, null);
        var model = new MobileNetModel(spec, CompiledModel.compile(graph, ReferenceKernelSet.INSTANCE),
                labels.labels(), labels.source());
        return new Classifier(model, 1, 1f);
    }

    @BeforeAll
    static void loadModels() throws Exception {
        flagship = reference(TestData.flagship());
        v1Float = reference(TestData.model("mobilenet_v1/mobilenet_v1_0.25_224_1_default_1.tflite").toString());
        v2Quant = reference(TestData.model("mobilenet_v2/mobilenet_v2_1.0_224_quant.tflite").toString());
    }

    private static void assertTop1(Classifier c, RgbImage image, int index, String label, double minScore, String what) {
        List<Prediction> top = c.classify(image, 5);
        Prediction best = top.get(0);
        assertEquals(index, best.index(), what + ": top-5 was " + top);
        assertEquals(label, best.label(), what);
        assertTrue(best.score() >= minScore, what + ": score " + best.score() + " below " + minScore);
        for (int i = 1; i < top.size(); i++) {
            assertTrue(top.get(i).score() <= top.get(i - 1).score(), "top-k must be sorted: " + top);
        }
    }

    @ParameterizedTest(name = "flagship v1 1.0/224: {0} -> {1}")
    @CsvSource({
        "coral_cat.bmp, 286, Egyptian cat, 0.78",
        "coral_bird.bmp, 20, chickadee, 0.9",
        "coral_grace_hopper.bmp, 653, military uniform, 0.7",
        "tflite-support_grace_hopper.jpg, 653, military uniform, 0.5",
        "tflite-support_burger.jpg, 934, cheeseburger, 0.9",
        "coral_parrot.jpg, 89, macaw, 0.9",
        "coral_hot_dog.jpg, 935, hotdog, 0.5",
        "coral_dragonfly.bmp, 320, dragonfly, 0.5",
        "coral_missvickie_potato_chips.bmp, 693, packet, 0.3",
        "tflite-support_burger-224.png, 934, cheeseburger, 0.9",
    })
    void flagshipFromItsTwoFiles(String image, int index, String label, double minScore) {
        assertTop1(flagship, TestData.photo(image), index, label, minScore, image);
    }

    @Test
    void flagshipOnRawRgbFrames() throws Exception {
        ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        RgbImage bird = decoder.decodeRaw(TestData.bytes(TestData.image("coral_bird.rgb")), 224, 224);
        // already resized upstream (not by our bilinear resize), so the score differs from the BMP's
        assertTop1(flagship, bird, 20, "chickadee", 0.7, "coral_bird.rgb");
    }

    @Test
    void floatV1Quarter224() {
        assertTop1(v1Float, TestData.photo("tflite-support_burger.jpg"), 934, "cheeseburger", 0.9, "burger");
        assertTop1(v1Float, TestData.photo("coral_parrot.jpg"), 89, "macaw", 0.5, "parrot");
    }

    @Test
    void quantizedV2() {
        assertTop1(v2Quant, TestData.photo("coral_cat.bmp"), 286, "Egyptian cat", 0.7, "cat");
        assertTop1(v2Quant, TestData.photo("tflite-support_burger.jpg"), 934, "cheeseburger", 0.9, "burger");
    }

    @ParameterizedTest(name = "{0}: cat -> 286")
    @CsvSource({
        "mobilenet_v1/mobilenet_v1_0.5_160_quant.tflite, 0.51",
        "mobilenet_v1/mobilenet_v1_0.25_224_quant.tflite, 0.3",
        "mobilenet_v2/tf2_mobilenet_v2_1.0_224_ptq.tflite, 0.5",
    })
    void otherShippedModelsFindTheCat(String file, double minScore) throws Exception {
        Classifier c = reference(TestData.model(file).toString());
        assertTop1(c, TestData.photo("coral_cat.bmp"), 286, c.model().labels().get(286), minScore, file);
        assertTrue(c.model().labels().get(286).toLowerCase().contains("egyptian cat"), c.model().labels().get(286));
    }

    @Test
    void logitsModelGivesTheSameRankingAsTheSoftmaxModel() throws Exception {
        Classifier logits = reference(TestData.model("mobilenet_v2/mobilenet_v2_1.0_224_quant_logits.tflite").toString());
        assertTrue(!logits.model().compiled().graph().outputIsProbabilities());
        List<Prediction> a = logits.classify(TestData.photo("coral_cat.bmp"), 5);
        List<Prediction> b = v2Quant.classify(TestData.photo("coral_cat.bmp"), 5);
        assertEquals(b.get(0).index(), a.get(0).index());
        assertTrue(a.get(0).score() > 1, "logits, not probabilities: " + a);
    }

    @Test
    void batchOfFramesMatchesSingleFrames() throws Exception {
        Classifier batched = new Classifier(v1Float.model(), 3, 1f);
        String[] images = {"coral_cat.bmp", "tflite-support_burger.jpg", "coral_parrot.jpg"};
        for (int i = 0; i < images.length; i++) {
            batched.setInput(i, TestData.photo(images[i]));
        }
        batched.run(3);
        for (int i = 0; i < images.length; i++) {
            List<Prediction> single = v1Float.classify(TestData.photo(images[i]), 3);
            List<Prediction> inBatch = batched.top(i, 3);
            assertEquals(single, inBatch, images[i]);
        }
    }

    @Test
    void labelsComeFromAFileWhenGiven() throws Exception {
        Path labels = TestData.model("labels/imagenet_labels_1000.txt");
        MobileNetModel m = Models.load(TestData.model("mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite").toString(), labels);
        assertEquals("background", m.labels().get(0)); // 1000 names fitted to 1001 outputs
        assertEquals("Egyptian cat", m.labels().get(286));
        assertEquals(labels.toString(), m.labelsSource());
    }
}
