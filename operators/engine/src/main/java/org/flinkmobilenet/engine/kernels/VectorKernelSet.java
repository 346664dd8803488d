package org.flinkmobilenet.engine.kernels;

import java.util.List;

import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.ConvGeometry;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.GlobalAvgPool;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.graph.Softmax;

/**
 * The tuned kernels, written with the Vector API. Each method packs the node's weights once and
 * returns a kernel that runs on shared, read-only packed weights. Shapes no tuned kernel covers
 * (depthwise other than 3x3 with equal strides of 1 or 2) run their reference twin.
 */
final class VectorKernelSet implements KernelSet {

    static final VectorKernelSet INSTANCE = new VectorKernelSet();

    private VectorKernelSet() {}

    @Override
    public String name() {
        return "vector-" + VectorWidth.bits();
    }

    @Override
    public Kernel conv2d(Conv2d node) {
        int in = node.input(), out = node.output();
        ConvGeometry g = node.geometry();
        int cin = node.inChannels(), cout = node.outChannels();
        float lo = node.activation().lo(), hi = node.activation().hi();
        int depth = g.kh() * g.kw() * cin;
        PackedWeights w = PackedWeights.pack(node.weights(), node.bias(), cout, depth, VectorWidth.SPECIES);
        if (g.isPointwise()) {
            int pixels = g.inH() * g.inW();
            return Kernel.of("gemm-pointwise", (a, base, batch, scratch) ->
                    Gemm.run(a, base[in], cin, batch * pixels, w, a, base[out], cout, lo, hi), w);
        }
        if (depth <= DirectConv.MAX_DEPTH) {
            int[] koff = DirectConv.tapOffsets(g, cin);
            return new Kernel("direct-conv-" + g.kh() + "x" + g.kw(), (a, base, batch, scratch) ->
                    DirectConv.run(a, base[in], a, base[out], batch, g, cin, w, koff, lo, hi, scratch),
                    DirectConv.scratchFloats(g, cin), List.of(w));
        }
        int inSize = g.inH() * g.inW() * cin, outSize = g.outH() * g.outW() * cout;
        int pixels = g.outH() * g.outW();
        return new Kernel("im2col-gemm-" + g.kh() + "x" + g.kw(), (a, base, batch, scratch) -> {
            for (int n = 0; n < batch; n++) {
                Im2col.unroll(a, base[in] + n * inSize, g, cin, scratch);
                Gemm.run(scratch, 0, depth, pixels, w, a, base[out] + n * outSize, cout, lo, hi);
            }
        }, Im2col.size(g, cin), List.of(w));
    }

    @Override
    public Kernel depthwiseConv2d(DepthwiseConv2d node) {
        ConvGeometry g = node.geometry();
        boolean tuned = g.kh() == 3 && g.kw() == 3 && g.strideH() == g.strideW() && g.strideH() <= 2;
        if (!tuned) {
            return ReferenceKernelSet.INSTANCE.depthwiseConv2d(node);
        }
        int in = node.input(), out = node.output(), c = node.channels();
        float[] w = Depthwise3x3.pack(node.weights(), c);
        float[] bias = Depthwise3x3.padBias(node.bias(), c);
        float lo = node.activation().lo(), hi = node.activation().hi();
        return new Kernel("dw3x3-s" + g.strideH(), (a, base, batch, scratch) ->
                Depthwise3x3.run(a, base[in], a, base[out], batch, g, c, w, bias, lo, hi, scratch),
                Depthwise3x3.scratchFloats(g, c));
    }

    @Override
    public Kernel depthwisePointwise(DepthwiseConv2d dw, Conv2d pw) {
        ConvGeometry g = dw.geometry();
        boolean tuned = g.kh() == 3 && g.kw() == 3 && g.strideH() == g.strideW() && g.strideH() <= 2;
        if (!tuned || !pw.geometry().isPointwise()) {
            return null;
        }
        int in = dw.input(), out = pw.output(), c = dw.channels();
        float[] w = Depthwise3x3.pack(dw.weights(), c);
        float[] bias = Depthwise3x3.padBias(dw.bias(), c);
        float lo = dw.activation().lo(), hi = dw.activation().hi();
        PackedWeights pwWeights = PackedWeights.pack(pw.weights(), pw.bias(), pw.outChannels(), c, VectorWidth.SPECIES);
        float pwLo = pw.activation().lo(), pwHi = pw.activation().hi();
        return new Kernel("dw3x3-s" + g.strideH() + "+gemm", (a, base, batch, scratch) ->
                DepthwisePointwise.run(a, base[in], a, base[out], batch, g, c, w, bias, lo, hi, pwWeights, pwLo, pwHi,
                        scratch),
                DepthwisePointwise.scratchFloats(g, c), List.of(pwWeights));
    }

    @Override
    public Kernel fullyConnected(FullyConnected node) {
        int in = node.input(), out = node.output(), cin = node.inFeatures(), cout = node.outFeatures();
        PackedWeights w = PackedWeights.pack(node.weights(), node.bias(), cout, cin, VectorWidth.SPECIES);
        float lo = node.activation().lo(), hi = node.activation().hi();
        return Kernel.of("gemm-dense", (a, base, batch, scratch) ->
                Gemm.run(a, base[in], cin, batch, w, a, base[out], cout, lo, hi), w);
    }

    @Override
    public Kernel add(Add node, Shape shape) {
        int l = node.left(), r = node.right(), out = node.output(), size = shape.size();
        float lo = node.activation().lo(), hi = node.activation().hi();
        return Kernel.of("vector-add", (a, base, batch, scratch) ->
                VectorElementwise.add(a, base[l], a, base[r], a, base[out], batch * size, lo, hi));
    }

    @Override
    public Kernel avgPool(AvgPool node, int channels) {
        int in = node.input(), out = node.output();
        float lo = node.activation().lo(), hi = node.activation().hi();
        return Kernel.of("vector-avgpool", (a, base, batch, scratch) ->
                VectorElementwise.avgPool(a, base[in], a, base[out], batch, node.geometry(), channels, lo, hi));
    }

    @Override
    public Kernel globalAvgPool(GlobalAvgPool node, Shape input) {
        int in = node.input(), out = node.output();
        return Kernel.of("vector-mean", (a, base, batch, scratch) ->
                VectorElementwise.globalAvgPool(a, base[in], a, base[out], batch, input.h(), input.w(), input.c()));
    }

    @Override
    public Kernel softmax(Softmax node, int channels) {
        return ReferenceKernelSet.INSTANCE.softmax(node, channels); // 1000 exponentials: not worth a kernel
    }
}
