package org.flinkmobilenet.engine.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.flinkmobilenet.engine.onnx.OnnxModel.Attribute;
import org.flinkmobilenet.engine.onnx.OnnxModel.Dim;
import org.flinkmobilenet.engine.onnx.OnnxModel.Graph;
import org.flinkmobilenet.engine.onnx.OnnxModel.Node;
import org.flinkmobilenet.engine.onnx.OnnxModel.OpsetId;
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;
import org.flinkmobilenet.engine.onnx.OnnxModel.ValueInfo;

/**
 * Serializes {@link OnnxModel} records as an ONNX ModelProto with protobuf's {@link CodedOutputStream}.
 * Sub-messages are written bottom-up (each is encoded, then written as a length-delimited field), fields
 * in number order, repeated numbers unpacked as proto2 does, and tensor data always as raw_data.
 */
final class OnnxWriter {

    private OnnxWriter() {}

    static byte[] write(OnnxModel model) {
        Message m = new Message();
        m.int64(OnnxFields.Model.IR_VERSION, model.irVersion());
        m.string(OnnxFields.Model.PRODUCER_NAME, model.producerName());
        m.string(OnnxFields.Model.PRODUCER_VERSION, model.producerVersion());
        m.string(OnnxFields.Model.DOC_STRING, model.docString());
        m.message(OnnxFields.Model.GRAPH, graph(model.graph()));
        for (OpsetId opset : model.opsets()) {
            Message o = new Message();
            o.string(OnnxFields.OpsetId.DOMAIN, opset.domain());
            o.int64(OnnxFields.OpsetId.VERSION, opset.version());
            m.message(OnnxFields.Model.OPSET_IMPORT, o);
        }
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            Message kv = new Message();
            kv.string(OnnxFields.Entry.KEY, e.getKey());
            kv.string(OnnxFields.Entry.VALUE, e.getValue());
            m.message(OnnxFields.Model.METADATA_PROPS, kv);
        }
        return m.toByteArray();
    }

    private static Message graph(Graph g) {
        Message m = new Message();
        for (Node node : g.nodes()) {
            m.message(OnnxFields.Graph.NODE, node(node));
        }
        m.string(OnnxFields.Graph.NAME, g.name());
        for (Tensor t : g.initializers()) {
            m.message(OnnxFields.Graph.INITIALIZER, tensor(t));
        }
        for (ValueInfo v : g.inputs()) {
            m.message(OnnxFields.Graph.INPUT, valueInfo(v));
        }
        for (ValueInfo v : g.outputs()) {
            m.message(OnnxFields.Graph.OUTPUT, valueInfo(v));
        }
        return m;
    }

    private static Message node(Node node) {
        Message m = new Message();
        for (String in : node.inputs()) {
            m.stringAlways(OnnxFields.Node.INPUT, in); // an empty name is an omitted optional input
        }
        for (String out : node.outputs()) {
            m.stringAlways(OnnxFields.Node.OUTPUT, out);
        }
        m.string(OnnxFields.Node.NAME, node.name());
        m.string(OnnxFields.Node.OP_TYPE, node.opType());
        for (Attribute a : node.attributes()) {
            m.message(OnnxFields.Node.ATTRIBUTE, attribute(a));
        }
        m.string(OnnxFields.Node.DOMAIN, node.domain());
        return m;
    }

    private static Message attribute(Attribute a) {
        Message m = new Message();
        m.string(OnnxFields.Attribute.NAME, a.name());
        switch (a.type()) {
            case OnnxModel.ATTR_FLOAT -> m.float32(OnnxFields.Attribute.F, a.f());
            case OnnxModel.ATTR_INT -> m.int64(OnnxFields.Attribute.I, a.i());
            case OnnxModel.ATTR_STRING -> m.bytes(OnnxFields.Attribute.S, a.s());
            case OnnxModel.ATTR_TENSOR -> m.message(OnnxFields.Attribute.T, tensor(a.t()));
            case OnnxModel.ATTR_FLOATS -> {
                for (float f : a.floats()) {
                    m.float32(OnnxFields.Attribute.FLOATS, f);
                }
            }
            case OnnxModel.ATTR_INTS -> {
                for (long i : a.ints()) {
                    m.int64(OnnxFields.Attribute.INTS, i);
                }
            }
            default -> throw new IllegalArgumentException("attribute '" + a.name() + "': cannot write type " + a.type());
        }
        m.int64(OnnxFields.Attribute.TYPE, a.type());
        return m;
    }

    private static Message tensor(Tensor t) {
        Message m = new Message();
        for (long d : t.dims()) {
            m.int64(OnnxFields.Tensor.DIMS, d);
        }
        m.int64(OnnxFields.Tensor.DATA_TYPE, t.dataType());
        m.string(OnnxFields.Tensor.NAME, t.name());
        if (t.external()) {
            m.int64(OnnxFields.Tensor.DATA_LOCATION, 1); // the data is in another file, not written here
        } else {
            m.bytes(OnnxFields.Tensor.RAW_DATA, rawData(t));
        }
        return m;
    }

    private static byte[] rawData(Tensor t) {
        if (t.raw() != null) {
            return t.raw();
        }
        if (t.dataType() == OnnxModel.FLOAT && t.floatData() != null) {
            ByteBuffer bb = ByteBuffer.allocate(t.floatData().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bb.asFloatBuffer().put(t.floatData());
            return bb.array();
        }
        if (t.dataType() == OnnxModel.INT64 && t.longData() != null) {
            ByteBuffer bb = ByteBuffer.allocate(t.longData().length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bb.asLongBuffer().put(t.longData());
            return bb.array();
        }
        throw new IllegalArgumentException("tensor '" + t.name() + "': no data to write for type " + t.dataType());
    }

    private static Message valueInfo(ValueInfo v) {
        Message shape = new Message();
        for (Dim d : v.dims()) {
            Message dim = new Message();
            if (d.isFixed()) {
                dim.int64(OnnxFields.ValueInfo.DIM_VALUE, d.value());
            } else {
                dim.string(OnnxFields.ValueInfo.DIM_PARAM, d.param());
            }
            shape.message(OnnxFields.ValueInfo.SHAPE_DIM, dim);
        }
        Message tensorType = new Message();
        tensorType.int64(OnnxFields.ValueInfo.TENSOR_ELEM_TYPE, v.elemType());
        tensorType.message(OnnxFields.ValueInfo.TENSOR_SHAPE, shape);
        Message type = new Message();
        type.message(OnnxFields.ValueInfo.TYPE_TENSOR, tensorType);
        Message m = new Message();
        m.string(OnnxFields.ValueInfo.NAME, v.name());
        m.message(OnnxFields.ValueInfo.TYPE, type);
        return m;
    }

    /** One message being encoded. Writing to memory cannot fail, so IOExceptions become unchecked. */
    private static final class Message {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        void int64(int field, long value) {
            try {
                out.writeInt64(field, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void float32(int field, float value) {
            try {
                out.writeFloat(field, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes a string unless it is empty (an absent optional field reads back as ""). */
        void string(int field, String value) {
            if (value != null && !value.isEmpty()) {
                stringAlways(field, value);
            }
        }

        void stringAlways(int field, String value) {
            try {
                out.writeString(field, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void bytes(int field, byte[] value) {
            try {
                out.writeByteArray(field, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void message(int field, Message inner) {
            bytes(field, inner.toByteArray());
        }

        byte[] toByteArray() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
