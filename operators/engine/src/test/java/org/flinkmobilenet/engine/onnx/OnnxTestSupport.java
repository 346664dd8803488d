package org.flinkmobilenet.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.flinkmobilenet.engine.CompiledModel;
import org.flinkmobilenet.engine.Engine;
import org.flinkmobilenet.engine.TestData;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.image.Preprocessor;
import org.flinkmobilenet.engine.kernels.ReferenceKernelSet;

/** The two implementations side by side: the engine's reference kernels and ONNX Runtime. */
final class OnnxTestSupport {

    private OnnxTestSupport() {}

    /** An ONNX Runtime session with one intra-op thread (the machine has two cores, shared). */
    static OrtSession session(byte[] model) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            return env.createSession(model, options);
        }
    }

    /** Runs a batch of NHWC inputs (already normalised) through a model with an NCHW input; one row per item. */
    static float[][] runOrt(OrtSession session, Shape in, float[]... nhwc) throws OrtException {
        int n = nhwc.length, size = in.size();
        float[] nchw = new float[n * size];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < in.h(); y++) {
                for (int x = 0; x < in.w(); x++) {
                    for (int c = 0; c < in.c(); c++) {
                        nchw[i * size + (c * in.h() + y) * in.w() + x] = nhwc[i][(y * in.w() + x) * in.c() + c];
                    }
                }
            }
        }
        return run(session, nchw, new long[] {n, in.c(), in.h(), in.w()});
    }

    /** Runs one NHWC input through a model whose input is NHWC too. */
    static float[] runOrtNhwc(OrtSession session, Shape in, float[] nhwc) throws OrtException {
        return run(session, nhwc, new long[] {1, in.h(), in.w(), in.c()})[0];
    }

    private static float[][] run(OrtSession session, float[] data, long[] dims) throws OrtException {
        int n = (int) dims[0];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String name = session.getInputNames().iterator().next();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), dims);
             OrtSession.Result r = session.run(Map.of(name, t))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            FloatBuffer fb = out.getFloatBuffer();
            int per = (int) (fb.remaining() / n);
            if (shape[0] != n) {
                throw new IllegalStateException("ONNX Runtime returned " + Arrays.toString(shape) + " for a batch of " + n);
            }
            float[][] rows = new float[n][per];
            for (int i = 0; i < n; i++) {
                fb.get(rows[i]);
            }
            return rows;
        }
    }

    /** Runs one NHWC input through the graph on the engine's reference kernels. */
    static float[] runEngine(CompiledModel model, float[] nhwc) {
        Engine engine = model.newEngine(1);
        System.arraycopy(nhwc, 0, engine.arena(), engine.inputOffset(0), nhwc.length);
        engine.run(1);
        float[] out = new float[engine.outputSize()];
        engine.copyOutput(0, out);
        return out;
    }

    static CompiledModel reference(Graph graph) {
        return CompiledModel.compile(graph, ReferenceKernelSet.INSTANCE);
    }

    /** A photo from test-images/ resized, cropped and normalised as the graph wants it, NHWC. */
    static float[] photo(Graph graph, String name) {
        Shape in = graph.inputShape();
        float[] x = new float[in.size()];
        new Preprocessor(in.h(), in.w(), 1f, graph.normalization()).fill(TestData.photo(name), x, 0);
        return x;
    }

    /** Seeded values in [-1, 1]; the seed goes into assertion messages. */
    static float[] random(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    static double maxAbs(float[] a) {
        double max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    /** Indices of the k largest values, best first (ties broken by the lower index). */
    static List<Integer> topK(float[] scores, int k) {
        List<Integer> idx = new java.util.ArrayList<>(IntStream.range(0, scores.length).boxed().toList());
        idx.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed().thenComparing(Comparator.naturalOrder()));
        return Collections.unmodifiableList(idx.subList(0, k));
    }
}
