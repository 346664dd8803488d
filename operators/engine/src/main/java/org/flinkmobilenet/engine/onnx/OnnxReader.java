package org.flinkmobilenet.engine.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flinkmobilenet.engine.model.ModelLoadException;
import org.flinkmobilenet.engine.onnx.OnnxModel.Attribute;
import org.flinkmobilenet.engine.onnx.OnnxModel.Dim;
import org.flinkmobilenet.engine.onnx.OnnxModel.Graph;
import org.flinkmobilenet.engine.onnx.OnnxModel.Node;
import org.flinkmobilenet.engine.onnx.OnnxModel.OpsetId;
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;
import org.flinkmobilenet.engine.onnx.OnnxModel.ValueInfo;

/**
 * Parses an ONNX ModelProto with protobuf's {@link CodedInputStream} into {@link OnnxModel} records.
 * Unknown fields are skipped, as protobuf intends; a known field with the wrong wire type, a length
 * that runs past its message, or a truncated file fails with a message naming the file and where in
 * the model the reader was (e.g. {@code graph > node[3] 'conv1' > attribute 'pads'}).
 */
final class OnnxReader {

    private final String file;
    private final Deque<String> where = new ArrayDeque<>(); // path to the field being read, for messages

    private OnnxReader(String file) {
        this.file = file;
    }

    static OnnxModel read(String file, byte[] bytes) throws ModelLoadException {
        OnnxReader reader = new OnnxReader(file);
        if (bytes.length == 0) {
            throw new ModelLoadException(file + ": the file is empty, not an ONNX model");
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(Integer.MAX_VALUE);
            OnnxModel model = reader.model(in);
            if (model.graph() == null) {
                throw new ModelLoadException(file + ": not an ONNX model: it has no graph (field 7 of ModelProto)");
            }
            return model;
        } catch (ModelLoadException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // InvalidProtocolBufferException and friends: truncated data, bad varints, negative lengths
            throw new ModelLoadException(file + ": malformed ONNX protobuf" + reader.location() + ": "
                    + e.getMessage(), e);
        }
    }

    private String location() {
        if (where.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>(where);
        java.util.Collections.reverse(parts);
        return " (in " + String.join(" > ", parts) + ")";
    }

    private ModelLoadException wrongWireType(String field, int wire) {
        return new ModelLoadException(file + ": malformed ONNX protobuf" + location() + ": field '" + field
                + "' has wire type " + wire + ", which that field cannot have");
    }

    /** Reads a length-delimited sub-message with {@code body}, confined to its declared length. */
    private <T> T message(CodedInputStream in, int wire, String field, Body<T> body) throws IOException {
        expect(wire, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
        int length = in.readRawVarint32();
        int old = in.pushLimit(length);
        T result = body.read(in);
        if (in.getBytesUntilLimit() != 0) {
            throw new ModelLoadException(file + ": malformed ONNX protobuf" + location() + ": " + field
                    + " ends early");
        }
        in.popLimit(old);
        return result;
    }

    private interface Body<T> {
        T read(CodedInputStream in) throws IOException;
    }

    /** Skips an unknown field; ONNX messages have no groups, so a stray end-group tag means corrupt data. */
    private void skip(CodedInputStream in, int tag) throws IOException {
        if (!in.skipField(tag)) {
            throw new ModelLoadException(file + ": malformed ONNX protobuf" + location() + ": unexpected end-group tag "
                    + "for field " + WireFormat.getTagFieldNumber(tag));
        }
    }

    private void expect(int wire, int expected, String field) throws ModelLoadException {
        if (wire != expected) {
            throw wrongWireType(field, wire);
        }
    }

    private long int64(CodedInputStream in, int wire, String field) throws IOException {
        expect(wire, WireFormat.WIRETYPE_VARINT, field);
        return in.readInt64();
    }

    private String string(CodedInputStream in, int wire, String field) throws IOException {
        expect(wire, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
        return in.readString();
    }

    private byte[] bytes(CodedInputStream in, int wire, String field) throws IOException {
        expect(wire, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
        return in.readByteArray();
    }

    // ---- ModelProto ----

    private OnnxModel model(CodedInputStream in) throws IOException {
        long irVersion = 0;
        List<OpsetId> opsets = new ArrayList<>();
        String producer = "", producerVersion = "", doc = "";
        Graph graph = null;
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OnnxFields.Model.IR_VERSION -> irVersion = int64(in, wire, "ir_version");
                case OnnxFields.Model.PRODUCER_NAME -> producer = string(in, wire, "producer_name");
                case OnnxFields.Model.PRODUCER_VERSION -> producerVersion = string(in, wire, "producer_version");
                case OnnxFields.Model.DOC_STRING -> doc = string(in, wire, "doc_string");
                case OnnxFields.Model.OPSET_IMPORT -> {
                    where.push("opset_import[" + opsets.size() + "]");
                    opsets.add(message(in, wire, "opset_import", this::opsetId));
                    where.pop();
                }
                case OnnxFields.Model.GRAPH -> {
                    where.push("graph");
                    graph = message(in, wire, "graph", this::graph);
                    where.pop();
                }
                case OnnxFields.Model.METADATA_PROPS -> {
                    where.push("metadata_props");
                    String[] kv = message(in, wire, "metadata_props", this::entry);
                    metadata.put(kv[0], kv[1]);
                    where.pop();
                }
                default -> skip(in, tag);
            }
        }
        return new OnnxModel(irVersion, opsets, producer, producerVersion, doc, graph, metadata);
    }

    private OpsetId opsetId(CodedInputStream in) throws IOException {
        String domain = "";
        long version = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OnnxFields.OpsetId.DOMAIN -> domain = string(in, wire, "domain");
                case OnnxFields.OpsetId.VERSION -> version = int64(in, wire, "version");
                default -> skip(in, tag);
            }
        }
        return new OpsetId(domain, version);
    }

    private String[] entry(CodedInputStream in) throws IOException {
        String key = "", value = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OnnxFields.Entry.KEY -> key = string(in, wire, "key");
                case OnnxFields.Entry.VALUE -> value = string(in, wire, "value");
                default -> skip(in, tag);
            }
        }
        return new String[] {key, value};
    }

    // ---- GraphProto ----

    private Graph graph(CodedInputStream in) throws IOException {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<Tensor> initializers = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OnnxFields.Graph.NAME -> name = string(in, wire, "name");
                case OnnxFields.Graph.NODE -> {
                    where.push("node[" + nodes.size() + "]");
                    nodes.add(message(in, wire, "node", this::node));
                    where.pop();
                }
                case OnnxFields.Graph.INITIALIZER -> {
                    where.push("initializer[" + initializers.size() + "]");
                    initializers.add(message(in, wire, "initializer", this::tensor));
                    where.pop();
                }
                case OnnxFields.Graph.INPUT -> {
                    where.push("input[" + inputs.size() + "]");
                    inputs.add(message(in, wire, "input", this::valueInfo));
                    where.pop();
                }
                case OnnxFields.Graph.OUTPUT -> {
                    where.push("output[" + outputs.size() + "]");
                    outputs.add(message(in, wire, "output", this::valueInfo));
                    where.pop();
                }
                default -> skip(in, tag);
            }
        }
        return new Graph(name, nodes, initializers, inputs, outputs);
    }

    private Node node(CodedInputStream in) throws IOException {
        String name = "", opType = "", domain = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<Attribute> attributes = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OnnxFields.Node.INPUT -> inputs.add(string(in, wire, "input"));
                case OnnxFields.Node.OUTPUT -> outputs.add(string(in, wire, "output"));
                case OnnxFields.Node.NAME -> name = string(in, wire, "name");
                case OnnxFields.Node.OP_TYPE -> opType = string(in, wire, "op_type");
                case OnnxFields.Node.DOMAIN -> domain = string(in, wire, "domain");
                case OnnxFields.Node.ATTRIBUTE -> {
                    where.push("attribute[" + attributes.size() + "]");
                    attributes.add(message(in, wire, "attribute", this::attribute));
                    where.pop();
                }
                default -> skip(in, tag);
            }
        }
        return new Node(name, opType, domain, inputs, outputs, attributes);
    }

    private Attribute attribute(CodedInputStream in) throws IOException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        byte[] s = null;
        Tensor t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        int seen = 0; // the type implied by the value fields present, for files that leave 'type' unset
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OnnxFields.Attribute.NAME -> name = string(in, wire, "name");
                case OnnxFields.Attribute.TYPE -> type = (int) int64(in, wire, "type");
                case OnnxFields.Attribute.F -> {
                    expect(wire, WireFormat.WIRETYPE_FIXED32, "f");
                    f = in.readFloat();
                    seen = OnnxModel.ATTR_FLOAT;
                }
                case OnnxFields.Attribute.I -> {
                    i = int64(in, wire, "i");
                    seen = OnnxModel.ATTR_INT;
                }
                case OnnxFields.Attribute.S -> {
                    s = bytes(in, wire, "s");
                    seen = OnnxModel.ATTR_STRING;
                }
                case OnnxFields.Attribute.T -> {
                    where.push("t");
                    t = message(in, wire, "t", this::tensor);
                    where.pop();
                    seen = OnnxModel.ATTR_TENSOR;
                }
                case OnnxFields.Attribute.FLOATS -> {
                    readFloats(in, wire, "floats", floats);
                    seen = OnnxModel.ATTR_FLOATS;
                }
                case OnnxFields.Attribute.INTS -> {
                    readLongs(in, wire, "ints", ints);
                    seen = OnnxModel.ATTR_INTS;
                }
                case OnnxFields.Attribute.G -> {
                    skip(in, tag);
                    seen = OnnxModel.ATTR_GRAPH;
                }
                case OnnxFields.Attribute.STRINGS -> {
                    skip(in, tag);
                    seen = OnnxModel.ATTR_STRINGS;
                }
                default -> skip(in, tag);
            }
        }
        return new Attribute(name, type != 0 ? type : seen, f, i, s, t, floats.toArray(), ints.toArray());
    }

    // ---- TensorProto ----

    private Tensor tensor(CodedInputStream in) throws IOException {
        String name = "";
        int dataType = 0;
        LongList dims = new LongList();
        byte[] raw = null;
        FloatList floats = new FloatList();
        LongList longs = new LongList();
        boolean external = false;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OnnxFields.Tensor.NAME -> name = string(in, wire, "name");
                case OnnxFields.Tensor.DATA_TYPE -> dataType = (int) int64(in, wire, "data_type");
                case OnnxFields.Tensor.DIMS -> readLongs(in, wire, "dims", dims);
                case OnnxFields.Tensor.RAW_DATA -> raw = bytes(in, wire, "raw_data");
                case OnnxFields.Tensor.FLOAT_DATA -> readFloats(in, wire, "float_data", floats);
                case OnnxFields.Tensor.INT32_DATA, OnnxFields.Tensor.INT64_DATA -> readLongs(in, wire, "int_data", longs);
                case OnnxFields.Tensor.DOUBLE_DATA -> readDoubles(in, wire, floats);
                case OnnxFields.Tensor.EXTERNAL_DATA -> {
                    skip(in, tag);
                    external = true;
                }
                case OnnxFields.Tensor.DATA_LOCATION -> external |= int64(in, wire, "data_location") == 1;
                case OnnxFields.Tensor.SEGMENT -> throw new ModelLoadException(file + ": tensor '" + name + "'"
                        + location() + " is split into segments, which this loader does not support");
                default -> skip(in, tag);
            }
        }
        return new Tensor(name, dataType, dims.toArray(), raw, floats.size() > 0 ? floats.toArray() : null,
                longs.size() > 0 ? longs.toArray() : null, external);
    }

    // ---- ValueInfoProto ----

    private ValueInfo valueInfo(CodedInputStream in) throws IOException {
        String name = "";
        int[] elemType = {0};
        List<Dim> dims = new ArrayList<>();
        boolean[] hasShape = {false};
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OnnxFields.ValueInfo.NAME -> name = string(in, wire, "name");
                case OnnxFields.ValueInfo.TYPE -> message(in, wire, "type", typeIn -> {
                    for (int t = typeIn.readTag(); t != 0; t = typeIn.readTag()) {
                        if (WireFormat.getTagFieldNumber(t) != OnnxFields.ValueInfo.TYPE_TENSOR) {
                            skip(typeIn, t);
                            continue;
                        }
                        message(typeIn, WireFormat.getTagWireType(t), "tensor_type", tensorIn -> {
                            for (int u = tensorIn.readTag(); u != 0; u = tensorIn.readTag()) {
                                int w = WireFormat.getTagWireType(u);
                                switch (WireFormat.getTagFieldNumber(u)) {
                                    case OnnxFields.ValueInfo.TENSOR_ELEM_TYPE ->
                                            elemType[0] = (int) int64(tensorIn, w, "elem_type");
                                    case OnnxFields.ValueInfo.TENSOR_SHAPE -> {
                                        hasShape[0] = true;
                                        message(tensorIn, w, "shape", shapeIn -> shape(shapeIn, dims));
                                    }
                                    default -> skip(tensorIn, u);
                                }
                            }
                            return null;
                        });
                    }
                    return null;
                });
                default -> skip(in, tag);
            }
        }
        return new ValueInfo(name, elemType[0], hasShape[0] ? dims : null);
    }

    private Void shape(CodedInputStream in, List<Dim> dims) throws IOException {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) != OnnxFields.ValueInfo.SHAPE_DIM) {
                skip(in, tag);
                continue;
            }
            dims.add(message(in, WireFormat.getTagWireType(tag), "dim", dimIn -> {
                long value = -1;
                String param = null;
                for (int t = dimIn.readTag(); t != 0; t = dimIn.readTag()) {
                    int w = WireFormat.getTagWireType(t);
                    switch (WireFormat.getTagFieldNumber(t)) {
                        case OnnxFields.ValueInfo.DIM_VALUE -> value = int64(dimIn, w, "dim_value");
                        case OnnxFields.ValueInfo.DIM_PARAM -> param = string(dimIn, w, "dim_param");
                        default -> skip(dimIn, t);
                    }
                }
                return new Dim(value, param);
            }));
        }
        return null;
    }

    // ---- repeated scalars, packed or not ----

    private void readLongs(CodedInputStream in, int wire, String field, LongList out) throws IOException {
        if (wire == WireFormat.WIRETYPE_VARINT) {
            out.add(in.readInt64());
        } else if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
                out.add(in.readInt64());
            }
            in.popLimit(old);
        } else {
            throw wrongWireType(field, wire);
        }
    }

    private void readFloats(CodedInputStream in, int wire, String field, FloatList out) throws IOException {
        if (wire == WireFormat.WIRETYPE_FIXED32) {
            out.add(in.readFloat());
        } else if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int length = in.readRawVarint32();
            if (length % Float.BYTES != 0) {
                throw new ModelLoadException(file + ": malformed ONNX protobuf" + location() + ": packed '" + field
                        + "' holds " + length + " bytes, not a whole number of floats");
            }
            ByteBuffer bb = ByteBuffer.wrap(in.readRawBytes(length)).order(ByteOrder.LITTLE_ENDIAN);
            while (bb.hasRemaining()) {
                out.add(bb.getFloat());
            }
        } else {
            throw wrongWireType(field, wire);
        }
    }

    private void readDoubles(CodedInputStream in, int wire, FloatList out) throws IOException {
        if (wire == WireFormat.WIRETYPE_FIXED64) {
            out.add((float) in.readDouble());
        } else if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
                out.add((float) in.readDouble());
            }
            in.popLimit(old);
        } else {
            throw wrongWireType("double_data", wire);
        }
    }

    /** A growable float array, so a million weights are not a million boxed Floats. */
    private static final class FloatList {
        private float[] data = new float[16];
        private int size;

        void add(float v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int size() {
            return size;
        }

        float[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    private static final class LongList {
        private long[] data = new long[8];
        private int size;

        void add(long v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
