package org.flinkmobilenet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.flinkmobilenet.engine.image.RgbImage;
import org.flinkmobilenet.engine.kernels.KernelSelector;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.junit.jupiter.api.Test;

/** The serving path in steady state: no allocation per frame, and engines sharing one set of weights. */
class SteadyStateTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "depthwise+pointwise fused: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void runningFramesAllocatesNothing(boolean fuse) throws Exception {
        // v2 has residual adds and a partial last vector (1001 classes): every kind of tuned kernel
        for (String file : new String[] {"mobilenet_v2/mobilenet_v2_1.0_224_quant.tflite",
                                         "mobilenet_v1/mobilenet_v1_0.75_192_quant.tflite"}) {
            String spec = TestData.model(file).toString();
            var graph = ModelFiles.load(spec);
            var labels = ModelFiles.labels(graph, null);
            MobileNetModel model = new MobileNetModel(spec, CompiledModel.compile(graph, KernelSelector.vector(), fuse),
                    labels.labels(), labels.source());
            assertSame(KernelSelector.vector(), model.compiled().kernels());
            assertEquals(fuse, model.compiled().layers().stream().anyMatch(l -> l.kernel().name().endsWith("+gemm")));
            Classifier c = new Classifier(model, 4, 0.875f);
            RgbImage photo = TestData.photo("coral_cat.bmp");
            WarmUp.Report warm = c.warmUp(60_000);
            assertTrue(warm.steady(), file + ": not warm after " + warm);
            // Steady state is where the JIT has settled: a deoptimisation can allocate once, so the
            // measurement is repeated a few times; a kernel that allocates per frame fails every round.
            long input = -1, inference = -1;
            for (int round = 0; round < 5 && input + inference != 0; round++) {
                input = 0;
                inference = 0;
                for (int i = 0; i < 40; i++) {
                    int batch = 1 + i % 4;
                    long t0 = allocatedBytes();
                    for (int item = 0; item < batch; item++) {
                        c.setInput(item, photo);
                    }
                    long t1 = allocatedBytes();
                    c.run(batch);
                    long t2 = allocatedBytes();
                    input += t1 - t0;
                    inference += t2 - t1;
                }
            }
            assertEquals(0, input, file + ": preprocessing allocated " + input + " bytes in 40 frames, in every round");
            assertEquals(0, inference, file + ": inference allocated " + inference + " bytes in 40 frames, in every round");
            for (int item = 0; item < 4; item++) {
                assertEquals(286, c.top(item, 1).get(0).index(), file + ", batch item " + item);
            }
        }
    }

    @Test
    void enginesShareTheCompiledWeights() throws Exception {
        MobileNetModel model = Models.load(TestData.flagship(), null);
        Classifier a = new Classifier(model, 1, 1f), b = new Classifier(model, 1, 1f);
        assertSame(a.model().compiled(), b.model().compiled());
        assertTrue(a.engine().arena() != b.engine().arena(), "each engine owns its activations");
        List<Prediction> ra = a.classify(TestData.photo("coral_cat.bmp"), 3);
        List<Prediction> rb = b.classify(TestData.photo("coral_cat.bmp"), 3);
        assertEquals(ra, rb);
    }

    @Test
    void arenaOfTheFlagshipIsDocumented() throws Exception {
        var graph = ModelFiles.load(TestData.flagship());
        var compiled = CompiledModel.compile(graph, KernelSelector.vector());
        // 112x112x64 + 112x112x32 floats: the largest pair of activations alive together (README)
        assertEquals(112 * 112 * 96, compiled.memoryPlan().size());
        assertEquals(4L * 112 * 112 * 96, compiled.arenaFloats(1) * 4);
    }
}
