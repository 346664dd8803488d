package org.flinkmobilenet.engine.tflite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.ConvGeometry;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.GlobalAvgPool;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.GraphBuilder;
import org.flinkmobilenet.engine.graph.InputNormalization;
import org.flinkmobilenet.engine.graph.Padding;
import org.flinkmobilenet.engine.graph.Reshape;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.graph.Softmax;
import org.flinkmobilenet.engine.model.EmbeddedLabels;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.flinkmobilenet.engine.model.ModelLoadException;

/**
 * Reads TFLite MobileNets into a {@link Graph}: float32 models, and uint8/int8 quantized ones whose
 * weights are dequantized to float32 here. Several files chain into one network when each file's
 * input tensor is the previous file's output tensor (same name and shape), as in a feature extractor
 * followed by a classification head.
 *
 * <p>Every failure is a {@link ModelLoadException} naming the file and the operator or tensor at fault.
 */
public final class TfliteLoader {

    private TfliteLoader() {}

    public static Graph load(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new ModelLoadException("no model file given");
        }
        List<String> names = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (Path file : files) {
            names.add(file.toString());
            contents.add(ModelFiles.read(file));
        }
        return load(names, contents);
    }

    public static Graph load(Path... files) throws IOException {
        return load(Arrays.asList(files));
    }

    /** Loads in-memory model files; {@code names} are used in messages. */
    public static Graph load(List<String> names, List<byte[]> contents) throws IOException {
        GraphBuilder builder = null;
        InputNormalization normalization = null;
        List<String> labels = List.of();
        int carried = -1;
        String carriedName = null;
        int[] carriedDims = null;
        for (int i = 0; i < names.size(); i++) {
            FileConverter file = new FileConverter(names.get(i), contents.get(i));
            try {
                file.open();
                if (builder == null) {
                    builder = file.startGraph(String.join("+", shortNames(names)));
                    normalization = file.inputNormalization();
                } else {
                    file.continueFrom(builder, carried, carriedName, carriedDims, names.get(i - 1));
                }
                file.convertOperators();
                carried = file.outputValue();
                carriedName = file.outputName();
                carriedDims = file.outputDims();
            } catch (ModelLoadException e) {
                throw e;
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ModelLoadException(file.where() + ": " + e.getMessage(), e);
            } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException | NullPointerException
                     | ArithmeticException | java.nio.BufferOverflowException e) {
                throw new ModelLoadException(file.where() + ": the file is truncated or corrupt ("
                        + e.getClass().getSimpleName() + " while reading the flatbuffer)", e);
            }
            Optional<List<String>> embedded;
            try {
                embedded = EmbeddedLabels.find(contents.get(i));
            } catch (IOException e) {
                throw new ModelLoadException(names.get(i) + ": " + e.getMessage(), e);
            }
            if (labels.isEmpty() && embedded.isPresent()) {
                labels = embedded.get();
            }
        }
        try {
            return builder.build(carried, normalization, labels, false);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(String.join(",", names) + ": " + e.getMessage(), e);
        }
    }

    private static List<String> shortNames(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(Path.of(n).getFileName().toString());
        }
        return out;
    }

    /** Converts one file's main subgraph, adding its nodes to a shared builder. */
    private static final class FileConverter {
        private final String file;
        private final byte[] bytes;
        private TfliteSchema.Model model;
        private TfliteSchema.SubGraph subgraph;
        private GraphBuilder builder;
        private final Map<Integer, Integer> valueOf = new HashMap<>();       // tensor -> graph value
        private final Map<Integer, float[]> foldedConstants = new HashMap<>(); // tensor -> dequantized values
        private final Map<Integer, int[]> pendingPads = new HashMap<>();       // PAD output -> (source value, t, l, b, r)
        private String context = "header";

        FileConverter(String file, byte[] bytes) {
            this.file = file;
            this.bytes = bytes;
        }

        String where() {
            return file + " (" + context + ")";
        }

        ModelLoadException fail(String message) {
            return new ModelLoadException(where() + ": " + message);
        }

        void open() throws ModelLoadException {
            if (bytes.length < 8) {
                throw fail("only " + bytes.length + " bytes: too short to be a TFLite flatbuffer");
            }
            ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (!TfliteSchema.Model.hasIdentifier(bb)) {
                String found = new String(bytes, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .replaceAll("[^\\x20-\\x7e]", "?");
                throw fail("not a TFLite model: file identifier is '" + found + "', expected '"
                        + TfliteSchema.FILE_IDENTIFIER + "'");
            }
            int root = bb.getInt(0);
            if (root < 8 || root > bytes.length - 4) {
                throw fail("root table offset " + root + " lies outside the " + bytes.length + "-byte file (truncated?)");
            }
            model = TfliteSchema.Model.root(bb);
            int version = model.version();
            if (version != 3) {
                throw fail("schema version " + version + " is not supported (expected 3)");
            }
            if (model.subgraphsLength() < 1) {
                throw fail("the model has no subgraph");
            }
            subgraph = model.subgraph(0);
            context = "subgraph 0";
            if (subgraph.inputs().length != 1 || subgraph.outputs().length != 1) {
                throw fail("expected one input and one output tensor, found " + subgraph.inputs().length
                        + " inputs and " + subgraph.outputs().length + " outputs");
            }
        }

        GraphBuilder startGraph(String graphName) throws ModelLoadException {
            int in = subgraph.inputs()[0];
            TfliteSchema.Tensor t = tensor(in);
            context = "input tensor '" + t.name() + "'";
            Shape shape = activationShape(t);
            builder = new GraphBuilder(graphName, t.name(), shape);
            valueOf.put(in, GraphBuilder.input());
            return builder;
        }

        void continueFrom(GraphBuilder shared, int value, String name, int[] dims, String previousFile)
                throws ModelLoadException {
            builder = shared;
            int in = subgraph.inputs()[0];
            TfliteSchema.Tensor t = tensor(in);
            context = "input tensor '" + t.name() + "'";
            if (!t.name().equals(name) || !Arrays.equals(t.shape(), dims)) {
                throw fail("cannot chain: this file's input is '" + t.name() + "' " + Arrays.toString(t.shape())
                        + " but " + previousFile + " outputs '" + name + "' " + Arrays.toString(dims));
            }
            valueOf.put(in, value);
        }

        InputNormalization inputNormalization() throws ModelLoadException {
            TfliteSchema.Tensor t = tensor(subgraph.inputs()[0]);
            byte type = t.type();
            if (type == TfliteSchema.FLOAT32) {
                return InputNormalization.MINUS_ONE_TO_ONE;
            }
            TfliteSchema.Quantization q = t.quantization();
            float[] scale = q == null ? new float[0] : q.scale();
            long[] zero = q == null ? new long[0] : q.zeroPoint();
            if (scale.length != 1) {
                throw fail("the " + TensorData.typeName(type) + " input tensor '" + t.name()
                        + "' needs one quantization scale, found " + scale.length);
            }
            long zp = zero.length == 0 ? 0 : zero[0];
            if (type == TfliteSchema.UINT8) {
                return InputNormalization.fromQuantization(scale[0], zp);
            }
            if (type == TfliteSchema.INT8) {
                // An int8 input takes pixel - 128.
                return InputNormalization.fromQuantization(scale[0], zp + 128);
            }
            throw fail("input tensor '" + t.name() + "' has type " + TensorData.typeName(type)
                    + "; expected float32, uint8 or int8");
        }

        int outputValue() throws ModelLoadException {
            int out = subgraph.outputs()[0];
            context = "output tensor '" + tensor(out).name() + "'";
            return activation(out);
        }

        String outputName() {
            return tensor(subgraph.outputs()[0]).name();
        }

        int[] outputDims() {
            return tensor(subgraph.outputs()[0]).shape();
        }

        void convertOperators() throws ModelLoadException {
            int count = subgraph.operatorsLength();
            for (int i = 0; i < count; i++) {
                TfliteSchema.Operator op = subgraph.operator(i);
                int codeIndex = op.opcodeIndex();
                if (codeIndex < 0 || codeIndex >= model.operatorCodesLength()) {
                    context = "operator #" + i;
                    throw fail("operator code index " + codeIndex + " is out of range (corrupt file?)");
                }
                TfliteSchema.OperatorCode code = model.operatorCode(codeIndex);
                int builtin = code.builtinCode();
                int[] outs = op.outputs();
                String outName = outs.length > 0 ? tensor(outs[0]).name() : "?";
                context = "operator #" + i + " " + opName(builtin, code) + " -> '" + outName + "'";
                if (code.customCode() != null) {
                    throw fail("unsupported custom operator '" + code.customCode() + "'");
                }
                convert(builtin, op);
            }
        }

        private void convert(int builtin, TfliteSchema.Operator op) throws ModelLoadException {
            int[] in = op.inputs();
            int[] out = op.outputs();
            if (out.length != 1) {
                throw fail("expected one output tensor, found " + out.length);
            }
            switch (builtin) {
                case TfliteSchema.CONV_2D -> conv2d(op, in, out[0]);
                case TfliteSchema.DEPTHWISE_CONV_2D -> depthwise(op, in, out[0]);
                case TfliteSchema.FULLY_CONNECTED -> fullyConnected(op, in, out[0]);
                case TfliteSchema.AVERAGE_POOL_2D -> avgPool(op, in, out[0]);
                case TfliteSchema.MEAN -> mean(op, in, out[0]);
                case TfliteSchema.ADD -> add(op, in, out[0]);
                case TfliteSchema.RESHAPE, TfliteSchema.SQUEEZE -> reshape(in, out[0]);
                case TfliteSchema.SOFTMAX -> softmax(op, in, out[0]);
                case TfliteSchema.QUANTIZE, TfliteSchema.DEQUANTIZE -> requantize(in, out[0]);
                case TfliteSchema.PAD -> pad(in, out[0]);
                default -> throw fail("unsupported operator " + opName(builtin, null)
                        + "; supported: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, MEAN, ADD, "
                        + "RESHAPE, SQUEEZE, SOFTMAX, QUANTIZE, DEQUANTIZE, PAD");
            }
        }

        private void conv2d(TfliteSchema.Operator op, int[] in, int out) throws ModelLoadException {
            requireInputs(in, 2, 3);
            TfliteSchema.Conv2DOptions o = options(op, new TfliteSchema.Conv2DOptions(), "Conv2DOptions");
            if (o.dilationH() != 1 || o.dilationW() != 1) {
                throw fail("unsupported dilation " + o.dilationH() + "x" + o.dilationW() + " (only 1 is supported)");
            }
            int[] wDims = tensor(in[1]).shape(); // (cout, kh, kw, cin)
            if (wDims.length != 4) {
                throw fail("weights '" + tensor(in[1]).name() + "' should have 4 dimensions, found " + Arrays.toString(wDims));
            }
            float[] weights = constant(in[1], "weights");
            float[] bias = bias(in, wDims[0]);
            int[] source = padded(in[0]);
            Shape x = builder.shape(source[0]);
            ConvGeometry g = geometry(x, wDims[1], wDims[2], o.strideH(), o.strideW(), o.padding(), source);
            int value = outputValue(out);
            builder.node(new Conv2d(tensor(out).name(), source[0], value, g, wDims[3], wDims[0], weights, bias,
                    activation(o.activation(), out)));
        }

        private void depthwise(TfliteSchema.Operator op, int[] in, int out) throws ModelLoadException {
            requireInputs(in, 2, 3);
            TfliteSchema.DepthwiseConv2DOptions o =
                    options(op, new TfliteSchema.DepthwiseConv2DOptions(), "DepthwiseConv2DOptions");
            if (o.dilationH() != 1 || o.dilationW() != 1) {
                throw fail("unsupported dilation " + o.dilationH() + "x" + o.dilationW() + " (only 1 is supported)");
            }
            int[] wDims = tensor(in[1]).shape(); // (1, kh, kw, channels)
            if (wDims.length != 4 || wDims[0] != 1) {
                throw fail("depthwise weights '" + tensor(in[1]).name() + "' should be [1, kh, kw, c], found "
                        + Arrays.toString(wDims));
            }
            int[] source = padded(in[0]);
            Shape x = builder.shape(source[0]);
            if (wDims[3] != x.c()) {
                throw fail("unsupported depth multiplier: " + x.c() + " input channels, " + wDims[3]
                        + " output channels (only multiplier 1 is supported)");
            }
            float[] weights = constant(in[1], "weights");
            float[] bias = bias(in, wDims[3]);
            ConvGeometry g = geometry(x, wDims[1], wDims[2], o.strideH(), o.strideW(), o.padding(), source);
            int value = outputValue(out);
            builder.node(new DepthwiseConv2d(tensor(out).name(), source[0], value, g, x.c(), weights, bias,
                    activation(o.activation(), out)));
        }

        private void fullyConnected(TfliteSchema.Operator op, int[] in, int out) throws ModelLoadException {
            requireInputs(in, 2, 3);
            TfliteSchema.FullyConnectedOptions o =
                    options(op, new TfliteSchema.FullyConnectedOptions(), "FullyConnectedOptions");
            if (o.weightsFormat() != 0) {
                throw fail("unsupported shuffled weights format " + o.weightsFormat());
            }
            int[] wDims = tensor(in[1]).shape(); // (out, in)
            if (wDims.length != 2) {
                throw fail("weights '" + tensor(in[1]).name() + "' should have 2 dimensions, found " + Arrays.toString(wDims));
            }
            int x = activation(in[0]);
            float[] weights = constant(in[1], "weights");
            float[] bias = bias(in, wDims[0]);
            int value = outputValue(out);
            builder.node(new FullyConnected(tensor(out).name(), x, value, wDims[1], wDims[0], weights, bias,
                    activation(o.activation(), out)));
        }

        private void avgPool(TfliteSchema.Operator op, int[] in, int out) throws ModelLoadException {
            requireInputs(in, 1, 1);
            TfliteSchema.Pool2DOptions o = options(op, new TfliteSchema.Pool2DOptions(), "Pool2DOptions");
            int[] source = padded(in[0]);
            Shape x = builder.shape(source[0]);
            if (source.length > 1 && (source[1] | source[2] | source[3] | source[4]) != 0) {
                throw fail("a PAD before average pooling would change the averages; not supported");
            }
            ConvGeometry g = geometry(x, o.filterH(), o.filterW(), o.strideH(), o.strideW(), o.padding(), source);
            int value = outputValue(out);
            builder.node(new AvgPool(tensor(out).name(), source[0], value, g, activation(o.activation(), out)));
        }

        private void mean(TfliteSchema.Operator op, int[] in, int out) throws ModelLoadException {
            requireInputs(in, 2, 2);
            int x = activation(in[0]);
            int[] axes = TensorData.toInts(constantBytes(in[1], "axes"), tensor(in[1]).type());
            int[] sorted = axes.clone();
            Arrays.sort(sorted);
            if (!Arrays.equals(sorted, new int[] {1, 2})) {
                throw fail("MEAN over axes " + Arrays.toString(axes) + " is not supported (only height and width, axes [1, 2])");
            }
            int value = outputValue(out);
            builder.node(new GlobalAvgPool(tensor(out).name(), x, value));
        }

        private void add(TfliteSchema.Operator op, int[] in, int out) throws ModelLoadException {
            requireInputs(in, 2, 2);
            TfliteSchema.AddOptions o = options(op, new TfliteSchema.AddOptions(), "AddOptions");
            int a = activation(in[0]);
            int b = activation(in[1]);
            int value = outputValue(out);
            builder.node(new Add(tensor(out).name(), a, b, value, activation(o.activation(), out)));
        }

        private void reshape(int[] in, int out) throws ModelLoadException {
            requireInputs(in, 1, 2);
            int x = activation(in[0]);
            int value = outputValue(out);
            builder.node(new Reshape(tensor(out).name(), x, value, builder.shape(value)));
        }

        private void softmax(TfliteSchema.Operator op, int[] in, int out) throws ModelLoadException {
            requireInputs(in, 1, 1);
            TfliteSchema.SoftmaxOptions o = op.options(new TfliteSchema.SoftmaxOptions());
            float beta = o == null ? 1f : o.beta();
            int x = activation(in[0]);
            int value = outputValue(out);
            builder.node(new Softmax(tensor(out).name(), x, value, beta));
        }

        /** In float, (de)quantizing an activation changes nothing; a constant is dequantized once. */
        private void requantize(int[] in, int out) throws ModelLoadException {
            requireInputs(in, 1, 1);
            if (isConstant(in[0])) {
                foldedConstants.put(out, constant(in[0], "constant"));
                return;
            }
            int x = activation(in[0]);
            Shape declared = activationShape(tensor(out));
            if (!declared.equals(builder.shape(x))) {
                throw fail("output shape " + declared + " differs from input shape " + builder.shape(x));
            }
            valueOf.put(out, x);
        }

        /** A zero PAD is folded into the convolution that reads it. */
        private void pad(int[] in, int out) throws ModelLoadException {
            requireInputs(in, 2, 2);
            int x = activation(in[0]);
            int[] p = TensorData.toInts(constantBytes(in[1], "paddings"), tensor(in[1]).type());
            if (p.length != 8) {
                throw fail("paddings should be [4, 2], found " + p.length + " values");
            }
            if (p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) {
                throw fail("padding the batch or channel dimension is not supported: " + Arrays.toString(p));
            }
            for (int v : p) {
                if (v < 0 || v > 64) {
                    throw fail("padding " + v + " is out of range");
                }
            }
            pendingPads.put(out, new int[] {x, p[2], p[4], p[3], p[5]});
        }

        /** The value a conv or pool reads, and any PAD to fold: (value) or (value, top, left, bottom, right). */
        private int[] padded(int tensorIndex) throws ModelLoadException {
            int[] pad = pendingPads.get(tensorIndex);
            if (pad != null) {
                return pad;
            }
            return new int[] {activation(tensorIndex)};
        }

        private ConvGeometry geometry(Shape x, int kh, int kw, int strideH, int strideW, byte padding, int[] source)
                throws ModelLoadException {
            if (kh <= 0 || kw <= 0 || strideH <= 0 || strideW <= 0) {
                throw fail("kernel " + kh + "x" + kw + " and stride " + strideH + "x" + strideW + " must be positive");
            }
            Padding scheme = switch (padding) {
                case TfliteSchema.PADDING_SAME -> Padding.SAME;
                case TfliteSchema.PADDING_VALID -> Padding.VALID;
                default -> throw fail("unknown padding " + padding);
            };
            if (source.length == 1) {
                return ConvGeometry.of(x.h(), x.w(), kh, kw, strideH, strideW, scheme);
            }
            if (scheme != Padding.VALID) {
                throw fail("a PAD followed by SAME padding is not supported");
            }
            int t = source[1], l = source[2], b = source[3], r = source[4];
            int outH = (x.h() + t + b - kh) / strideH + 1;
            int outW = (x.w() + l + r - kw) / strideW + 1;
            return new ConvGeometry(x.h(), x.w(), kh, kw, strideH, strideW, t, l, b, r, outH, outW);
        }

        private float[] bias(int[] in, int channels) throws ModelLoadException {
            if (in.length < 3 || in[2] < 0) {
                return new float[channels];
            }
            int[] dims = tensor(in[2]).shape();
            if (dims.length != 1 || dims[0] != channels) {
                throw fail("bias '" + tensor(in[2]).name() + "' has shape " + Arrays.toString(dims)
                        + ", expected [" + channels + "]");
            }
            return constant(in[2], "bias");
        }

        private <T extends TfliteSchema.Tbl> T options(TfliteSchema.Operator op, T into, String what)
                throws ModelLoadException {
            T o = op.options(into);
            if (o == null) {
                throw fail("missing " + what);
            }
            return o;
        }

        private void requireInputs(int[] in, int min, int max) throws ModelLoadException {
            if (in.length < min || in.length > max) {
                throw fail("expected " + (min == max ? "" + min : min + " to " + max) + " inputs, found " + in.length);
            }
            for (int i = 0; i < min; i++) {
                if (in[i] < 0) {
                    throw fail("required input " + i + " is missing");
                }
            }
        }

        /** The graph value an operator reads: produced earlier, never a constant. */
        private int activation(int tensorIndex) throws ModelLoadException {
            Integer v = valueOf.get(tensorIndex);
            if (v == null) {
                if (pendingPads.containsKey(tensorIndex)) {
                    throw fail("a PAD output is read by an operator it cannot be folded into");
                }
                String name = tensor(tensorIndex).name();
                if (isConstant(tensorIndex)) {
                    throw fail("tensor '" + name + "' is a constant where an activation is expected (unsupported)");
                }
                throw fail("tensor '" + name + "' is read before any operator produces it");
            }
            return v;
        }

        private int outputValue(int tensorIndex) throws ModelLoadException {
            if (valueOf.containsKey(tensorIndex)) {
                throw fail("tensor '" + tensor(tensorIndex).name() + "' is written twice");
            }
            TfliteSchema.Tensor t = tensor(tensorIndex);
            int v = builder.value(t.name(), activationShape(t));
            valueOf.put(tensorIndex, v);
            return v;
        }

        private boolean isConstant(int tensorIndex) {
            if (foldedConstants.containsKey(tensorIndex)) {
                return true;
            }
            int b = tensor(tensorIndex).buffer();
            if (b <= 0 || b >= model.buffersLength()) {
                return false;
            }
            TfliteSchema.Buffer buf = model.buffer(b);
            ByteBuffer data = buf.data();
            return (data != null && data.remaining() > 0) || buf.offset() > 1;
        }

        private ByteBuffer constantBytes(int tensorIndex, String role) throws ModelLoadException {
            TfliteSchema.Tensor t = tensor(tensorIndex);
            int b = t.buffer();
            if (b <= 0 || b >= model.buffersLength()) {
                throw fail(role + " tensor '" + t.name() + "' has no data (buffer " + b + ")");
            }
            TfliteSchema.Buffer buf = model.buffer(b);
            ByteBuffer data = buf.data();
            if (data != null && data.remaining() > 0) {
                return data;
            }
            long offset = buf.offset(), size = buf.size();
            if (offset > 1) { // data kept outside the flatbuffer, after it in the file
                if (offset + size > bytes.length || size < 0) {
                    throw fail(role + " tensor '" + t.name() + "': its data at offset " + offset + " (+" + size
                            + " bytes) lies beyond the end of the " + bytes.length + "-byte file (truncated?)");
                }
                return ByteBuffer.wrap(bytes, (int) offset, (int) size).slice().order(ByteOrder.LITTLE_ENDIAN);
            }
            throw fail(role + " tensor '" + t.name() + "' has no data");
        }

        private float[] constant(int tensorIndex, String role) throws ModelLoadException {
            float[] folded = foldedConstants.get(tensorIndex);
            if (folded != null) {
                return folded;
            }
            TfliteSchema.Tensor t = tensor(tensorIndex);
            ByteBuffer data = constantBytes(tensorIndex, role);
            TfliteSchema.Quantization q = t.quantization();
            float[] scale = q == null ? new float[0] : q.scale();
            long[] zero = q == null ? new long[0] : q.zeroPoint();
            int axis = q == null ? 0 : q.quantizedDimension();
            try {
                return TensorData.toFloats(data, t.type(), t.shape(), scale, zero, axis);
            } catch (IllegalArgumentException e) {
                throw fail(role + " tensor '" + t.name() + "' " + e.getMessage());
            }
        }

        private TfliteSchema.Tensor tensor(int index) {
            if (index < 0 || index >= subgraph.tensorsLength()) {
                throw new IllegalArgumentException("tensor index " + index + " is out of range (the subgraph has "
                        + subgraph.tensorsLength() + " tensors)");
            }
            return subgraph.tensor(index);
        }

        /** An activation's per-item shape: [1, h, w, c], [1, c] or [c]. */
        private Shape activationShape(TfliteSchema.Tensor t) throws ModelLoadException {
            int[] d = t.shape();
            if (d.length == 4 && d[0] == 1) {
                return new Shape(d[1], d[2], d[3]);
            }
            if (d.length == 2 && d[0] == 1) {
                return new Shape(1, 1, d[1]);
            }
            if (d.length == 1) {
                return new Shape(1, 1, d[0]);
            }
            throw fail("tensor '" + t.name() + "' has shape " + Arrays.toString(d)
                    + "; expected [1, h, w, c] or [1, c] (batch 1 in the file)");
        }

        /**
         * The fused activation, limited to the range a quantized output tensor can hold: quantized
         * models often express ReLU6 only through that range (an output named Relu6, activation
         * NONE, scale 6/255), and TFLite saturates every 8-bit output at its ends.
         */
        private Activation activation(byte fused, int outTensor) throws ModelLoadException {
            Activation act = fusedActivation(fused);
            TfliteSchema.Tensor t = tensor(outTensor);
            byte type = t.type();
            TfliteSchema.Quantization q = t.quantization();
            if ((type == TfliteSchema.UINT8 || type == TfliteSchema.INT8) && q != null && q.scale().length == 1) {
                long zp = q.zeroPoint().length == 0 ? 0 : q.zeroPoint()[0];
                int qmin = type == TfliteSchema.UINT8 ? 0 : -128;
                int qmax = type == TfliteSchema.UINT8 ? 255 : 127;
                float scale = q.scale()[0];
                act = act.limitTo(scale * (qmin - zp), scale * (qmax - zp));
            }
            return act;
        }

        private Activation fusedActivation(byte fused) throws ModelLoadException {
            return switch (fused) {
                case TfliteSchema.ACT_NONE -> Activation.NONE;
                case TfliteSchema.ACT_RELU -> Activation.RELU;
                case TfliteSchema.ACT_RELU6 -> Activation.RELU6;
                case TfliteSchema.ACT_RELU_N1_TO_1 -> throw fail("unsupported fused activation RELU_N1_TO_1");
                case TfliteSchema.ACT_TANH -> throw fail("unsupported fused activation TANH");
                default -> throw fail("unsupported fused activation " + fused);
            };
        }

        private static String opName(int builtin, TfliteSchema.OperatorCode code) {
            if (code != null && code.customCode() != null) {
                return "CUSTOM '" + code.customCode() + "'";
            }
            return switch (builtin) {
                case TfliteSchema.ADD -> "ADD";
                case TfliteSchema.AVERAGE_POOL_2D -> "AVERAGE_POOL_2D";
                case TfliteSchema.CONV_2D -> "CONV_2D";
                case TfliteSchema.DEPTHWISE_CONV_2D -> "DEPTHWISE_CONV_2D";
                case TfliteSchema.DEQUANTIZE -> "DEQUANTIZE";
                case TfliteSchema.FULLY_CONNECTED -> "FULLY_CONNECTED";
                case TfliteSchema.RELU -> "RELU";
                case TfliteSchema.RELU6 -> "RELU6";
                case TfliteSchema.RESHAPE -> "RESHAPE";
                case TfliteSchema.SOFTMAX -> "SOFTMAX";
                case TfliteSchema.PAD -> "PAD";
                case TfliteSchema.MEAN -> "MEAN";
                case TfliteSchema.SQUEEZE -> "SQUEEZE";
                case TfliteSchema.QUANTIZE -> "QUANTIZE";
                case 2 -> "CONCATENATION";
                case 14 -> "LOGISTIC";
                case 17 -> "MAX_POOL_2D";
                case 18 -> "MUL";
                case 23 -> "RESIZE_BILINEAR";
                case 28 -> "TANH";
                case 39 -> "TRANSPOSE";
                case 41 -> "SUB";
                case 53 -> "CAST";
                case 60 -> "PADV2";
                case 98 -> "LEAKY_RELU";
                case 117 -> "HARD_SWISH";
                default -> "builtin operator " + builtin;
            };
        }
    }
}
