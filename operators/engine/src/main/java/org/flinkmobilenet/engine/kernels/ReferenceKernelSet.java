package org.flinkmobilenet.engine.kernels;

import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.GlobalAvgPool;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.graph.Softmax;

/** Binds the plain-loop {@link ReferenceKernels} to graph nodes; weights are used as the graph holds them. */
public final class ReferenceKernelSet implements KernelSet {

    public static final ReferenceKernelSet INSTANCE = new ReferenceKernelSet();

    private ReferenceKernelSet() {}

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Kernel conv2d(Conv2d node) {
        int in = node.input(), out = node.output();
        return Kernel.of("reference", (a, base, batch, scratch) -> ReferenceKernels.conv2d(a, base[in], a, base[out], batch, node.geometry(),
                node.inChannels(), node.outChannels(), node.weights(), node.bias(), node.activation()));
    }

    @Override
    public Kernel depthwiseConv2d(DepthwiseConv2d node) {
        int in = node.input(), out = node.output();
        return Kernel.of("reference", (a, base, batch, scratch) -> ReferenceKernels.depthwiseConv2d(a, base[in], a, base[out], batch,
                node.geometry(), node.channels(), node.weights(), node.bias(), node.activation()));
    }

    @Override
    public Kernel fullyConnected(FullyConnected node) {
        int in = node.input(), out = node.output();
        return Kernel.of("reference", (a, base, batch, scratch) -> ReferenceKernels.fullyConnected(a, base[in], a, base[out], batch,
                node.inFeatures(), node.outFeatures(), node.weights(), node.bias(), node.activation()));
    }

    @Override
    public Kernel add(Add node, Shape shape) {
        int l = node.left(), r = node.right(), out = node.output(), size = shape.size();
        return Kernel.of("reference", (a, base, batch, scratch) -> ReferenceKernels.add(a, base[l], a, base[r], a, base[out], batch * size,
                node.activation()));
    }

    @Override
    public Kernel avgPool(AvgPool node, int channels) {
        int in = node.input(), out = node.output();
        return Kernel.of("reference", (a, base, batch, scratch) -> ReferenceKernels.avgPool(a, base[in], a, base[out], batch, node.geometry(),
                channels, node.activation()));
    }

    @Override
    public Kernel globalAvgPool(GlobalAvgPool node, Shape input) {
        int in = node.input(), out = node.output();
        return Kernel.of("reference", (a, base, batch, scratch) -> ReferenceKernels.globalAvgPool(a, base[in], a, base[out], batch,
                input.h(), input.w(), input.c()));
    }

    @Override
    public Kernel softmax(Softmax node, int channels) {
        int in = node.input(), out = node.output();
        return Kernel.of("reference", (a, base, batch, scratch) -> ReferenceKernels.softmax(a, base[in], a, base[out], batch, channels, node.beta()));
    }
}
