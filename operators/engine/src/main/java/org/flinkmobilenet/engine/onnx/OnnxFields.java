package org.flinkmobilenet.engine.onnx;

/**
 * Protobuf field numbers of the ONNX messages the engine reads and writes (the format's published
 * numbering; onnx.proto is proto2, so repeated numbers may arrive packed or one per tag).
 */
final class OnnxFields {

    private OnnxFields() {}

    /** ModelProto. */
    static final class Model {
        static final int IR_VERSION = 1;        // int64
        static final int PRODUCER_NAME = 2;     // string
        static final int PRODUCER_VERSION = 3;  // string
        static final int DOMAIN = 4;            // string
        static final int MODEL_VERSION = 5;     // int64
        static final int DOC_STRING = 6;        // string
        static final int GRAPH = 7;             // GraphProto
        static final int OPSET_IMPORT = 8;      // repeated OperatorSetIdProto
        static final int METADATA_PROPS = 14;   // repeated StringStringEntryProto

        private Model() {}
    }

    /** OperatorSetIdProto. */
    static final class OpsetId {
        static final int DOMAIN = 1;   // string
        static final int VERSION = 2;  // int64

        private OpsetId() {}
    }

    /** StringStringEntryProto. */
    static final class Entry {
        static final int KEY = 1;
        static final int VALUE = 2;

        private Entry() {}
    }

    /** GraphProto. */
    static final class Graph {
        static final int NODE = 1;         // repeated NodeProto
        static final int NAME = 2;         // string
        static final int INITIALIZER = 5;  // repeated TensorProto
        static final int DOC_STRING = 10;  // string
        static final int INPUT = 11;       // repeated ValueInfoProto
        static final int OUTPUT = 12;      // repeated ValueInfoProto
        static final int VALUE_INFO = 13;  // repeated ValueInfoProto
        static final int SPARSE_INITIALIZER = 15;

        private Graph() {}
    }

    /** NodeProto. */
    static final class Node {
        static final int INPUT = 1;      // repeated string
        static final int OUTPUT = 2;     // repeated string
        static final int NAME = 3;       // string
        static final int OP_TYPE = 4;    // string
        static final int ATTRIBUTE = 5;  // repeated AttributeProto
        static final int DOC_STRING = 6; // string
        static final int DOMAIN = 7;     // string

        private Node() {}
    }

    /** AttributeProto. */
    static final class Attribute {
        static final int NAME = 1;     // string
        static final int F = 2;        // float
        static final int I = 3;        // int64
        static final int S = 4;        // bytes
        static final int T = 5;        // TensorProto
        static final int G = 6;        // GraphProto (not used here)
        static final int FLOATS = 7;   // repeated float
        static final int INTS = 8;     // repeated int64
        static final int STRINGS = 9;  // repeated bytes (not used here)
        static final int TYPE = 20;    // AttributeType enum

        private Attribute() {}
    }

    /** TensorProto. */
    static final class Tensor {
        static final int DIMS = 1;           // repeated int64
        static final int DATA_TYPE = 2;      // int32
        static final int SEGMENT = 3;        // Segment (unsupported)
        static final int FLOAT_DATA = 4;     // repeated float
        static final int INT32_DATA = 5;     // repeated int32
        static final int INT64_DATA = 7;     // repeated int64
        static final int NAME = 8;           // string
        static final int RAW_DATA = 9;       // bytes, little-endian
        static final int DOUBLE_DATA = 10;   // repeated double
        static final int EXTERNAL_DATA = 13; // repeated StringStringEntryProto
        static final int DATA_LOCATION = 14; // enum: 0 default, 1 external

        private Tensor() {}
    }

    /** ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto and its Dimension. */
    static final class ValueInfo {
        static final int NAME = 1;               // string
        static final int TYPE = 2;               // TypeProto
        static final int TYPE_TENSOR = 1;        // TypeProto.tensor_type
        static final int TENSOR_ELEM_TYPE = 1;   // TypeProto.Tensor.elem_type
        static final int TENSOR_SHAPE = 2;       // TypeProto.Tensor.shape
        static final int SHAPE_DIM = 1;          // TensorShapeProto.dim
        static final int DIM_VALUE = 1;          // Dimension.dim_value
        static final int DIM_PARAM = 2;          // Dimension.dim_param

        private ValueInfo() {}
    }
}
