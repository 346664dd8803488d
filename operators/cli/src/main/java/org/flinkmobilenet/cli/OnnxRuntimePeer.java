package org.flinkmobilenet.cli;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.flinkmobilenet.engine.CompiledModel;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.onnx.OnnxExporter;

/**
 * ONNX Runtime on exactly the network the engine runs: the graph is exported to ONNX in memory, then
 * both are timed on this thread in alternating blocks of frames, so drift in the machine's load hits
 * both alike. ONNX Runtime gets one intra-op and one inter-op thread and every graph optimisation.
 */
final class OnnxRuntimePeer implements AutoCloseable {

    private static final int BLOCK = 20;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final OnnxTensor input;
    private final String inputName;

    OnnxRuntimePeer(Graph graph) throws OrtException {
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(OnnxExporter.export(graph), options);
        }
        Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
        inputName = in.getKey();
        long[] shape = ((TensorInfo) in.getValue().getInfo()).getShape().clone();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                shape[i] = 1; // the batch dimension
            }
        }
        int size = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        FloatBuffer data = ByteBuffer.allocateDirect(size * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < size; i++) {
            data.put(i, (float) (r.nextDouble() * 2 - 1));
        }
        input = OnnxTensor.createTensor(env, data, shape);
    }

    String description() {
        return "onnxruntime " + env.getVersion() + ", 1 intra-op thread, all graph optimisations";
    }

    double timeFrame() throws OrtException {
        long t0 = System.nanoTime();
        try (OrtSession.Result ignored = session.run(Map.of(inputName, input))) {
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    @Override
    public void close() throws OrtException {
        input.close();
        session.close();
    }

    /** Times ours and ONNX Runtime in alternating blocks and reports both to the benchmark. */
    static void compare(Graph graph, CompiledModel model, int runs, BenchCommand bench) {
        try (OnnxRuntimePeer ort = new OnnxRuntimePeer(graph)) {
            NetworkTimer ours = new NetworkTimer(model, 1);
            for (int i = 0; i < 200; i++) {
                ort.timeFrame(); // ONNX Runtime's own warm-up
            }
            double[] a = new double[runs], b = new double[runs];
            for (int done = 0; done < runs; done += BLOCK) {
                int n = Math.min(BLOCK, runs - done);
                System.arraycopy(ours.time(n), 0, a, done, n);
                for (int i = 0; i < n; i++) {
                    b[done + i] = ort.timeFrame();
                }
            }
            bench.reportOnnxRuntime(Stats.of(a), Stats.of(b), ort.description());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }
}
