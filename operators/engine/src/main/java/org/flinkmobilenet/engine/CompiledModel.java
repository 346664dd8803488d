package org.flinkmobilenet.engine;

import java.util.ArrayList;
import java.util.List;
import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.GlobalAvgPool;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.Node;
import org.flinkmobilenet.engine.graph.Reshape;
import org.flinkmobilenet.engine.graph.Softmax;
import org.flinkmobilenet.engine.kernels.KernelSelector;
import org.flinkmobilenet.engine.kernels.KernelSet;
import org.flinkmobilenet.engine.kernels.Kernel;
import org.flinkmobilenet.engine.kernels.WeightArena;

/**
 * A graph compiled for execution: each node bound to a kernel with its weights packed, and the arena
 * planned. Immutable and thread-safe: one per model per JVM, shared by every {@link Engine}, which
 * adds only its own scratch memory.
 */
public final class CompiledModel {

    private final Graph graph;
    private final KernelSet kernels;
    private final List<CompiledLayer> layers;
    private final MemoryPlan plan;

    private CompiledModel(Graph graph, KernelSet kernels, List<CompiledLayer> layers, MemoryPlan plan) {
        this.graph = graph;
        this.kernels = kernels;
        this.layers = List.copyOf(layers);
        this.plan = plan;
    }

    /** Compiles with the kernels {@link KernelSelector} chose for this JVM, fusing where it says to. */
    public static CompiledModel compile(Graph graph) {
        return compile(graph, KernelSelector.kernels(), KernelSelector.fuse());
    }

    /** Compiles with the given kernels, one layer per node (no fusion): what the profile measures. */
    public static CompiledModel compile(Graph graph, KernelSet kernels) {
        return compile(graph, kernels, false);
    }

    /**
     * Compiles with the given kernels. With {@code fuse}, a depthwise layer and the pointwise layer
     * that alone reads its output become one layer when the kernel set has a kernel for the pair.
     */
    public static CompiledModel compile(Graph graph, KernelSet kernels, boolean fuse) {
        List<CompiledLayer> layers = new ArrayList<>();
        java.util.Set<Integer> fusedAt = new java.util.HashSet<>();
        List<Node> nodes = graph.nodes();
        int[] readers = new int[graph.values().size()];
        for (Node node : nodes) {
            for (int v : node.inputs()) {
                readers[v]++;
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (fuse && i + 1 < nodes.size() && node instanceof DepthwiseConv2d dw
                    && nodes.get(i + 1) instanceof Conv2d pw && pw.input() == dw.output()
                    && readers[dw.output()] == 1 && dw.output() != graph.output()) {
                Kernel fused = kernels.depthwisePointwise(dw, pw);
                if (fused != null) {
                    layers.add(new CompiledLayer(i, dw.name() + " + " + pw.name(), graph.kindOf(i + 1),
                            graph.shapeOf(pw.output()), graph.macs(dw) + graph.macs(pw),
                            dw.weightCount() + pw.weightCount(), fused));
                    fusedAt.add(i);
                    i++;
                    continue;
                }
            }
            Kernel kernel = bind(graph, node, kernels);
            if (kernel == null) {
                continue; // a reshape: its output shares its input's memory, nothing to run
            }
            layers.add(new CompiledLayer(i, node.name(), graph.kindOf(i), graph.shapeOf(node.output()),
                    graph.macs(node), node.weightCount(), kernel));
        }
        WeightArena.gather(layers.stream().map(CompiledLayer::kernel).toList());
        return new CompiledModel(graph, kernels, layers, MemoryPlan.of(graph, fusedAt));
    }

    private static Kernel bind(Graph graph, Node node, KernelSet k) {
        if (node instanceof Conv2d c) {
            return k.conv2d(c);
        } else if (node instanceof DepthwiseConv2d d) {
            return k.depthwiseConv2d(d);
        } else if (node instanceof FullyConnected f) {
            return k.fullyConnected(f);
        } else if (node instanceof Add a) {
            return k.add(a, graph.shapeOf(a.output()));
        } else if (node instanceof AvgPool p) {
            return k.avgPool(p, graph.shapeOf(p.input()).c());
        } else if (node instanceof GlobalAvgPool p) {
            return k.globalAvgPool(p, graph.shapeOf(p.input()));
        } else if (node instanceof Softmax s) {
            return k.softmax(s, graph.shapeOf(s.input()).c());
        } else if (node instanceof Reshape) {
            return null;
        }
        throw new IllegalStateException("no kernel for " + node);
    }

    public Graph graph() {
        return graph;
    }

    public KernelSet kernels() {
        return kernels;
    }

    public List<CompiledLayer> layers() {
        return layers;
    }

    public MemoryPlan memoryPlan() {
        return plan;
    }

    /** Arena floats an engine needs for batches of up to {@code maxBatch} frames. */
    public long arenaFloats(int maxBatch) {
        return (long) plan.size() * maxBatch;
    }

    /** Scratch floats an engine needs: the most any one layer's kernel asks for. */
    public int scratchFloats() {
        return layers.stream().mapToInt(l -> l.kernel().scratchFloats()).max().orElse(0);
    }

    /** Bytes one engine allocates for batches of up to {@code maxBatch} frames (arena and scratch). */
    public long engineBytes(int maxBatch) {
        return 4L * (Engine.LEAD + arenaFloats(maxBatch) + scratchFloats() + 2 * Kernel.SLACK);
    }

    public Engine newEngine(int maxBatch) {
        return new Engine(this, maxBatch);
    }
}
