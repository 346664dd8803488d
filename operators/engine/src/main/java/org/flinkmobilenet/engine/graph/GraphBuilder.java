package org.flinkmobilenet.engine.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * Assembles a {@link Graph} node by node. Convenience methods compute each output shape; loaders that
 * know the declared shape of a tensor use {@link #value} and {@link #node} so that {@link Graph}'s
 * validation compares the two.
 */
public final class GraphBuilder {

    private final String name;
    private final List<Graph.Value> values = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    public GraphBuilder(String name, String inputName, Shape inputShape) {
        this.name = name;
        values.add(new Graph.Value(inputName, inputShape));
    }

    public static int input() {
        return 0;
    }

    public Shape shape(int value) {
        return values.get(value).shape();
    }

    public int value(String valueName, Shape shape) {
        values.add(new Graph.Value(valueName, shape));
        return values.size() - 1;
    }

    public void node(Node node) {
        nodes.add(node);
    }

    public int conv(String layer, int in, int k, int stride, Padding padding, int outChannels,
                    float[] weights, float[] bias, Activation act) {
        Shape x = shape(in);
        ConvGeometry g = ConvGeometry.of(x.h(), x.w(), k, k, stride, stride, padding);
        int out = value(layer, new Shape(g.outH(), g.outW(), outChannels));
        node(new Conv2d(layer, in, out, g, x.c(), outChannels, weights, bias, act));
        return out;
    }

    public int depthwise(String layer, int in, int k, int stride, Padding padding,
                         float[] weights, float[] bias, Activation act) {
        Shape x = shape(in);
        ConvGeometry g = ConvGeometry.of(x.h(), x.w(), k, k, stride, stride, padding);
        int out = value(layer, new Shape(g.outH(), g.outW(), x.c()));
        node(new DepthwiseConv2d(layer, in, out, g, x.c(), weights, bias, act));
        return out;
    }

    public int fullyConnected(String layer, int in, int outFeatures, float[] weights, float[] bias, Activation act) {
        int out = value(layer, new Shape(1, 1, outFeatures));
        node(new FullyConnected(layer, in, out, shape(in).size(), outFeatures, weights, bias, act));
        return out;
    }

    public int add(String layer, int left, int right, Activation act) {
        int out = value(layer, shape(left));
        node(new Add(layer, left, right, out, act));
        return out;
    }

    public int avgPool(String layer, int in, int k, int stride, Padding padding) {
        Shape x = shape(in);
        ConvGeometry g = ConvGeometry.of(x.h(), x.w(), k, k, stride, stride, padding);
        int out = value(layer, new Shape(g.outH(), g.outW(), x.c()));
        node(new AvgPool(layer, in, out, g, Activation.NONE));
        return out;
    }

    public int globalAvgPool(String layer, int in) {
        int out = value(layer, new Shape(1, 1, shape(in).c()));
        node(new GlobalAvgPool(layer, in, out));
        return out;
    }

    public int reshape(String layer, int in, Shape target) {
        int out = value(layer, target);
        node(new Reshape(layer, in, out, target));
        return out;
    }

    public int softmax(String layer, int in) {
        int out = value(layer, shape(in));
        node(new Softmax(layer, in, out, 1f));
        return out;
    }

    public Graph build(int output, InputNormalization normalization, List<String> labels, boolean synthetic) {
        return new Graph(name, values, nodes, output, normalization, labels, synthetic);
    }
}
