package org.flinkmobilenet.engine.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A MobileNet as the engine understands it, free of any file format: activation values with their
 * NHWC shapes, nodes in execution order, float weights, the input's normalisation and the class
 * labels. Loaders and the builder produce it; the compiler, the profile and the exporters consume it.
 * Construction checks every node's shapes, so a Graph that exists is consistent.
 */
public final class Graph {

    /** A named activation value. Value 0 is always the network input. */
    public record Value(String name, Shape shape) {}

    private final String name;
    private final List<Value> values;
    private final List<Node> nodes;
    private final int output;
    private final InputNormalization normalization;
    private final List<String> labels;
    private final boolean synthetic;

    public Graph(String name, List<Value> values, List<Node> nodes, int output,
                 InputNormalization normalization, List<String> labels, boolean synthetic) {
        this.name = name;
        this.values = List.copyOf(values);
        this.nodes = List.copyOf(nodes);
        this.output = output;
        this.normalization = normalization;
        this.labels = List.copyOf(labels);
        this.synthetic = synthetic;
        validate();
    }

    private void validate() {
        if (values.isEmpty()) {
            throw new IllegalArgumentException(name + ": graph has no input");
        }
        Shape in = values.get(0).shape();
        if (in.c() != 3) {
            throw new IllegalArgumentException(name + ": input " + values.get(0).name() + " has " + in.c()
                    + " channels; an RGB classifier needs 3");
        }
        boolean[] defined = new boolean[values.size()];
        defined[0] = true;
        for (Node node : nodes) {
            List<Shape> inShapes = new ArrayList<>();
            for (int v : node.inputs()) {
                if (v < 0 || v >= values.size() || !defined[v]) {
                    throw new IllegalArgumentException(name + ": " + describe(node) + " reads a value that no earlier node produces (#" + v + ")");
                }
                inShapes.add(values.get(v).shape());
            }
            int out = node.output();
            if (out < 0 || out >= values.size()) {
                throw new IllegalArgumentException(name + ": " + describe(node) + " writes an unknown value (#" + out + ")");
            }
            if (defined[out]) {
                throw new IllegalArgumentException(name + ": " + describe(node) + " overwrites value " + values.get(out).name());
            }
            Shape computed;
            try {
                computed = node.outputShape(inShapes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + describe(node) + ": " + e.getMessage(), e);
            }
            if (!computed.equals(values.get(out).shape())) {
                throw new IllegalArgumentException(name + ": " + describe(node) + " produces " + computed
                        + " but its output tensor " + values.get(out).name() + " is declared " + values.get(out).shape());
            }
            defined[out] = true;
        }
        if (output < 0 || output >= values.size() || !defined[output]) {
            throw new IllegalArgumentException(name + ": the output value is never produced");
        }
    }

    private static String describe(Node node) {
        return node.getClass().getSimpleName() + " '" + node.name() + "'";
    }

    public String name() {
        return name;
    }

    public List<Value> values() {
        return values;
    }

    public Shape shapeOf(int value) {
        return values.get(value).shape();
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Shape inputShape() {
        return values.get(0).shape();
    }

    public int output() {
        return output;
    }

    public Shape outputShape() {
        return values.get(output).shape();
    }

    /** Number of output classes (values per frame in the output). */
    public int classes() {
        return outputShape().size();
    }

    public InputNormalization normalization() {
        return normalization;
    }

    /** Labels embedded in the model file, or empty. */
    public List<String> labels() {
        return labels;
    }

    /** True for networks with generated weights (the builder): for measuring, never for classifying. */
    public boolean synthetic() {
        return synthetic;
    }

    /** True when the last node is a softmax, i.e. the output is probabilities, not logits. */
    public boolean outputIsProbabilities() {
        return !nodes.isEmpty() && nodes.get(nodes.size() - 1) instanceof Softmax;
    }

    public List<Shape> inputShapes(Node node) {
        List<Shape> shapes = new ArrayList<>();
        for (int v : node.inputs()) {
            shapes.add(values.get(v).shape());
        }
        return Collections.unmodifiableList(shapes);
    }

    public long macs(Node node) {
        return node.macs(inputShapes(node));
    }

    /** Index of the classifier: the last node that carries weights. */
    public int classifierIndex() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (nodes.get(i).weightCount() > 0) {
                return i;
            }
        }
        return -1;
    }

    public LayerKind kindOf(int nodeIndex) {
        Node node = nodes.get(nodeIndex);
        if (nodeIndex == classifierIndex() && (node instanceof FullyConnected || node instanceof Conv2d)) {
            return LayerKind.FC;
        }
        if (node instanceof Conv2d c) {
            return c.geometry().kh() == 1 && c.geometry().kw() == 1 ? LayerKind.POINTWISE : LayerKind.CONV;
        }
        if (node instanceof DepthwiseConv2d) {
            return LayerKind.DEPTHWISE;
        }
        if (node instanceof FullyConnected) {
            return LayerKind.FC;
        }
        if (node instanceof AvgPool || node instanceof GlobalAvgPool) {
            return LayerKind.POOL;
        }
        if (node instanceof Add) {
            return LayerKind.ADD;
        }
        if (node instanceof Softmax) {
            return LayerKind.SOFTMAX;
        }
        return LayerKind.RESHAPE;
    }

    /**
     * The network up to its logits: a final softmax removed (the same graph when there is none).
     * Comparisons between implementations use logits, where float differences are not squashed.
     */
    public Graph logits() {
        if (!outputIsProbabilities()) {
            return this;
        }
        Softmax last = (Softmax) nodes.get(nodes.size() - 1);
        return new Graph(name + " (logits)", values, nodes.subList(0, nodes.size() - 1), last.input(), normalization,
                labels, synthetic);
    }

    /** The same network with another name/labels, e.g. when two files are chained. */
    public Graph withLabels(List<String> newLabels) {
        return new Graph(name, values, nodes, output, normalization, newLabels, synthetic);
    }

    public Graph withNormalization(InputNormalization newNormalization) {
        return new Graph(name, values, nodes, output, newNormalization, labels, synthetic);
    }
}
