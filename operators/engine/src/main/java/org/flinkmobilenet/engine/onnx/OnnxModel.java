package org.flinkmobilenet.engine.onnx;

import java.util.List;
import java.util.Map;

/**
 * The part of an ONNX model this engine reads and writes, as plain records: what {@link OnnxReader}
 * produces and {@link OnnxWriter} serializes. Fields of the format the engine has no use for (training
 * info, functions, sparse initializers, subgraph attributes) are skipped when read and never written.
 */
public record OnnxModel(
        long irVersion,
        List<OpsetId> opsets,
        String producerName,
        String producerVersion,
        String docString,
        Graph graph,
        Map<String, String> metadata) {

    /** The ONNX data types this engine meets (TensorProto.DataType). */
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int FLOAT16 = 10;
    public static final int DOUBLE = 11;

    /** Attribute types (AttributeProto.AttributeType). */
    public static final int ATTR_FLOAT = 1;
    public static final int ATTR_INT = 2;
    public static final int ATTR_STRING = 3;
    public static final int ATTR_TENSOR = 4;
    public static final int ATTR_GRAPH = 5;
    public static final int ATTR_FLOATS = 6;
    public static final int ATTR_INTS = 7;
    public static final int ATTR_STRINGS = 8;

    public record OpsetId(String domain, long version) {}

    public record Graph(
            String name,
            List<Node> nodes,
            List<Tensor> initializers,
            List<ValueInfo> inputs,
            List<ValueInfo> outputs) {}

    /** One operator; an empty input name stands for an omitted optional input. */
    public record Node(
            String name,
            String opType,
            String domain,
            List<String> inputs,
            List<String> outputs,
            List<Attribute> attributes) {

        public Attribute attribute(String attributeName) {
            for (Attribute a : attributes) {
                if (a.name().equals(attributeName)) {
                    return a;
                }
            }
            return null;
        }
    }

    /** An attribute; only the field its {@code type} names is meaningful. */
    public record Attribute(
            String name,
            int type,
            float f,
            long i,
            byte[] s,
            Tensor t,
            float[] floats,
            long[] ints) {

        public static Attribute ofInt(String name, long value) {
            return new Attribute(name, ATTR_INT, 0f, value, null, null, null, null);
        }

        public static Attribute ofFloat(String name, float value) {
            return new Attribute(name, ATTR_FLOAT, value, 0, null, null, null, null);
        }

        public static Attribute ofInts(String name, long... values) {
            return new Attribute(name, ATTR_INTS, 0f, 0, null, null, null, values.clone());
        }

        public static Attribute ofFloats(String name, float... values) {
            return new Attribute(name, ATTR_FLOATS, 0f, 0, null, null, values.clone(), null);
        }

        public static Attribute ofString(String name, String value) {
            return new Attribute(name, ATTR_STRING, 0f, 0, value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    null, null, null);
        }

        public static Attribute ofTensor(String name, Tensor value) {
            return new Attribute(name, ATTR_TENSOR, 0f, 0, null, value, null, null);
        }
    }

    /**
     * A tensor. Its values are either in {@code raw} (little-endian bytes, as ONNX's raw_data) or in the
     * typed lists ({@code floatData} for FLOAT, {@code longData} for INT64 and the int32-held types);
     * {@link OnnxTensors} decodes both. {@code external} is set when the data lives in another file.
     */
    public record Tensor(
            String name,
            int dataType,
            long[] dims,
            byte[] raw,
            float[] floatData,
            long[] longData,
            boolean external) {

        public long elementCount() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    /** A graph input or output: a tensor type with dimensions that are numbers or named (symbolic) sizes. */
    public record ValueInfo(String name, int elemType, List<Dim> dims) {}

    /** One dimension: {@code value} when fixed (at least 0), otherwise -1 and maybe a symbolic {@code param}. */
    public record Dim(long value, String param) {

        public static Dim fixed(long value) {
            return new Dim(value, null);
        }

        public static Dim named(String param) {
            return new Dim(-1, param);
        }

        public boolean isFixed() {
            return value >= 0;
        }

        @Override
        public String toString() {
            return isFixed() ? Long.toString(value) : (param == null || param.isEmpty() ? "?" : param);
        }
    }
}
