package org.flinkmobilenet.engine.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.InputNormalization;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.onnx.ImportState.Act;
import org.flinkmobilenet.engine.onnx.ImportState.Layout;

/**
 * Converts one ONNX graph, node by node in file order, into the engine's {@link Graph}.
 *
 * <p>Every ONNX tensor name maps to a constant (initializer or Constant output) or to an engine
 * activation value with a layout: {@code NCHW} ([N, C, H, W] held as the engine's h x w x c value),
 * {@code FLAT} ([N, K] held as 1 x 1 x K) or {@code NHWC} ([N, H, W, C]: the engine's own order, as an
 * NHWC graph input or a Transpose to NHWC give it, which Transpose, Reshape and Flatten accept). Weights
 * are converted from NCHW to NHWC here; BatchNormalization, Relu, Clip and constant Add/Mul fold into
 * the node that produced their input when it is their only reader, and become a 1x1 depthwise
 * convolution (a per-channel affine map and clamp) when not.
 */
final class OnnxGraphConverter {

    private final OnnxModel.Graph onnx;
    private final ImportState state;
    private final ShapeOps shapes;
    private final LayerOps layers;
    private final ChannelOps channels;
    private final ShapeValueOps shapeValues;
    private OnnxModel.Node current;

    OnnxGraphConverter(OnnxModel.Graph onnx, long opset) {
        this.onnx = onnx;
        this.state = new ImportState(onnx, opset);
        this.shapes = new ShapeOps(state);
        this.layers = new LayerOps(state);
        this.channels = new ChannelOps(state);
        this.shapeValues = new ShapeValueOps(state);
    }

    /** Runs the conversion; problems come back as {@link OnnxImportProblem} with {@link #where()} set. */
    Graph convert(String graphName, InputNormalization normalization, List<String> labels, boolean synthetic) {
        current = null;
        addInput();
        for (OnnxModel.Node node : onnx.nodes()) {
            current = node;
            convertNode(node);
        }
        current = null;
        if (onnx.outputs().size() != 1) {
            throw new OnnxImportProblem("the graph has " + onnx.outputs().size() + " outputs; a classifier has one");
        }
        String outName = onnx.outputs().get(0).name();
        Act out = state.acts.get(outName);
        if (out == null) {
            throw new OnnxImportProblem("graph output '" + outName + "' is " + (state.constants.containsKey(outName)
                    ? "a constant" : "never produced by any node"));
        }
        Shape s = state.values.get(out.value()).shape();
        if (s.h() * s.w() != 1 || out.chw() != null) {
            throw new OnnxImportProblem("graph output '" + outName + "' is a " + s + " map; a classifier's output is "
                    + "a vector ([N, classes] or [N, classes, 1, 1])");
        }
        return new Graph(graphName, state.values, state.nodes, out.value(), normalization, labels, synthetic);
    }

    /** "node 'name' (OpType)" of the node being converted, or "graph" between state.nodes. */
    String where() {
        if (current == null) {
            return "graph";
        }
        String name = current.name().isEmpty()
                ? (current.outputs().isEmpty() ? "#" + onnx.nodes().indexOf(current) : current.outputs().get(0))
                : current.name();
        return "node '" + name + "' (" + (current.domain().isEmpty() ? "" : current.domain() + ".")
                + current.opType() + ")";
    }

    private void addInput() {
        List<OnnxModel.ValueInfo> inputs = new ArrayList<>();
        for (OnnxModel.ValueInfo in : onnx.inputs()) {
            if (!state.constants.containsKey(in.name())) { // before IR 4, initializers are listed as inputs too
                inputs.add(in);
            }
        }
        if (inputs.size() != 1) {
            throw new OnnxImportProblem("the graph has " + inputs.size() + " inputs besides its initializers "
                    + inputs.stream().map(OnnxModel.ValueInfo::name).toList() + "; an image classifier has one");
        }
        OnnxModel.ValueInfo in = inputs.get(0);
        if (in.elemType() != OnnxModel.FLOAT) {
            throw new OnnxImportProblem("input '" + in.name() + "' is " + OnnxTensors.typeName(in.elemType())
                    + "; only float32 inputs are supported");
        }
        List<OnnxModel.Dim> d = in.dims();
        if (d == null || d.size() != 4) {
            throw new OnnxImportProblem("input '" + in.name() + "' has shape " + d
                    + "; expected [N, 3, H, W] (or [N, H, W, 3] followed by a Transpose)");
        }
        for (int i = 1; i < 4; i++) {
            if (!d.get(i).isFixed() || d.get(i).value() < 1) {
                throw new OnnxImportProblem("input '" + in.name() + "' has shape " + d
                        + "; height, width and channels must be fixed numbers");
            }
        }
        Layout layout;
        Shape shape;
        if (d.get(1).value() == 3) {
            layout = Layout.NCHW;
            shape = new Shape((int) d.get(2).value(), (int) d.get(3).value(), 3);
        } else if (d.get(3).value() == 3) {
            layout = Layout.NHWC;
            shape = new Shape((int) d.get(1).value(), (int) d.get(2).value(), 3);
        } else {
            throw new OnnxImportProblem("input '" + in.name() + "' has shape " + d + "; an RGB input has 3 channels");
        }
        state.values.add(new Graph.Value(in.name(), shape));
        state.engineNames.add(in.name());
        state.acts.put(in.name(), new Act(0, layout, null, true));
    }

    private void convertNode(OnnxModel.Node node) {
        if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
            throw new OnnxImportProblem("op '" + node.domain() + "." + node.opType() + "' is not supported "
                    + "(only the standard ONNX domain)");
        }
        if (node.outputs().isEmpty()) {
            throw new OnnxImportProblem("the node has no output");
        }
        switch (node.opType()) {
            case "Constant" -> shapes.constantNode(node);
            case "Identity" -> shapes.alias(node, Set.of());
            case "Dropout" -> shapes.alias(node, Set.of("ratio", "seed", "is_test"));
            case "Conv" -> layers.conv(node);
            case "BatchNormalization" -> channels.batchNorm(node);
            case "Relu" -> {
                new OnnxAttributes(node, Set.of());
                channels.clamp(node, 0f, Float.POSITIVE_INFINITY);
            }
            case "Clip" -> channels.clip(node);
            case "Add" -> channels.add(node);
            case "Mul" -> channels.mul(node);
            case "GlobalAveragePool" -> layers.globalAveragePool(node);
            case "ReduceMean" -> layers.reduceMean(node);
            case "AveragePool" -> layers.averagePool(node);
            case "Flatten" -> shapes.flatten(node);
            case "Reshape" -> shapes.reshape(node);
            case "Squeeze" -> shapes.squeeze(node);
            case "Unsqueeze" -> {
                if (state.constants.containsKey(node.inputs().isEmpty() ? "" : node.inputs().get(0))) {
                    shapeValues.unsqueeze(node);
                } else {
                    shapes.unsqueeze(node);
                }
            }
            case "Shape" -> shapeValues.shape(node);
            case "Gather" -> shapeValues.gather(node);
            case "Concat" -> shapeValues.concat(node);
            case "Gemm" -> layers.gemm(node);
            case "MatMul" -> layers.matMul(node);
            case "Softmax" -> layers.softmax(node);
            case "Transpose" -> shapes.transpose(node);
            default -> throw new OnnxImportProblem("op '" + node.opType() + "' is not supported (supported: Conv, "
                    + "BatchNormalization, Relu, Clip, Add, Mul, GlobalAveragePool, ReduceMean, AveragePool, Flatten, "
                    + "Reshape, Squeeze, Unsqueeze, Gemm, MatMul, Softmax, Transpose, Dropout, Identity, Constant, "
                    + "and Shape, Gather, Concat on shape values)");
        }
    }
}
