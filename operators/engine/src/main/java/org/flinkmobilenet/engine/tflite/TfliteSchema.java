package org.flinkmobilenet.engine.tflite;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Typed access to the parts of TFLite's flatbuffer schema (tensorflow/lite/schema/schema.fbs) that
 * MobileNets use, on top of the flatbuffers-java runtime, which resolves vtables, vectors and strings.
 * Each accessor names its schema field; the number passed to {@link #slot} is the field's position in
 * its table (a union takes two positions: its type, then its value).
 */
final class TfliteSchema {

    private TfliteSchema() {}

    static final String FILE_IDENTIFIER = "TFL3";

    // enum TensorType
    static final byte FLOAT32 = 0, FLOAT16 = 1, INT32 = 2, UINT8 = 3, INT64 = 4, INT16 = 7, INT8 = 9;

    // enum BuiltinOperator (the ones MobileNets contain, plus a few named in error messages)
    static final int ADD = 0, AVERAGE_POOL_2D = 1, CONV_2D = 3, DEPTHWISE_CONV_2D = 4, DEQUANTIZE = 6,
            FULLY_CONNECTED = 9, RELU = 19, RELU6 = 21, RESHAPE = 22, SOFTMAX = 25, PAD = 34, MEAN = 40,
            SQUEEZE = 43, QUANTIZE = 114;

    // enum Padding
    static final byte PADDING_SAME = 0, PADDING_VALID = 1;

    // enum ActivationFunctionType
    static final byte ACT_NONE = 0, ACT_RELU = 1, ACT_RELU_N1_TO_1 = 2, ACT_RELU6 = 3, ACT_TANH = 4;

    /** Vtable offset of the field at position {@code index} of a table. */
    static int slot(int index) {
        return 4 + 2 * index;
    }

    abstract static class Tbl extends Table {
        final <T extends Tbl> T at(int pos, ByteBuffer buffer) {
            __reset(pos, buffer);
            @SuppressWarnings("unchecked")
            T self = (T) this;
            return self;
        }

        final int intField(int index, int dflt) {
            int o = __offset(slot(index));
            return o != 0 ? bb.getInt(o + bb_pos) : dflt;
        }

        final byte byteField(int index, byte dflt) {
            int o = __offset(slot(index));
            return o != 0 ? bb.get(o + bb_pos) : dflt;
        }

        final float floatField(int index, float dflt) {
            int o = __offset(slot(index));
            return o != 0 ? bb.getFloat(o + bb_pos) : dflt;
        }

        final String stringField(int index) {
            int o = __offset(slot(index));
            return o != 0 ? __string(o + bb_pos) : null;
        }

        /** Length of a vector field, checked against the end of the buffer (a corrupt length throws). */
        final int vectorLength(int index, int elementSize) {
            int o = __offset(slot(index));
            if (o == 0) {
                return 0;
            }
            int n = __vector_len(o);
            long end = (long) __vector(o) + (long) n * elementSize;
            if (n < 0 || end > bb.limit()) {
                throw new IndexOutOfBoundsException("vector of " + n + " elements runs past the end of the buffer");
            }
            return n;
        }

        /** Length of a vector of tables or strings (4-byte offsets). */
        final int vectorLength(int index) {
            return vectorLength(index, 4);
        }

        final int intElement(int index, int i) {
            int o = __offset(slot(index));
            return bb.getInt(__vector(o) + i * 4);
        }

        final long longElement(int index, int i) {
            int o = __offset(slot(index));
            return bb.getLong(__vector(o) + i * 8);
        }

        final float floatElement(int index, int i) {
            int o = __offset(slot(index));
            return bb.getFloat(__vector(o) + i * 4);
        }

        final int[] intVector(int index) {
            int n = vectorLength(index);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = intElement(index, i);
            }
            return out;
        }

        final float[] floatVector(int index) {
            int n = vectorLength(index);
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = floatElement(index, i);
            }
            return out;
        }

        final long[] longVector(int index) {
            int n = vectorLength(index, 8);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = longElement(index, i);
            }
            return out;
        }

        /** The i-th table of a vector of tables. */
        final <T extends Tbl> T tableElement(int index, int i, T into) {
            int o = __offset(slot(index));
            return into.at(__indirect(__vector(o) + i * 4), bb);
        }

        /** A sub-table, or null when the field is absent. */
        final <T extends Tbl> T table(int index, T into) {
            int o = __offset(slot(index));
            return o != 0 ? into.at(__indirect(o + bb_pos), bb) : null;
        }

        /** A [ubyte] vector as a little-endian view (no copy), or null when absent. */
        final ByteBuffer bytes(int index) {
            int o = __offset(slot(index));
            if (o == 0) {
                return null;
            }
            vectorLength(index, 1);
            ByteBuffer view = __vector_as_bytebuffer(slot(index), 1);
            return view == null ? null : view.slice().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** table Model { version; operator_codes; subgraphs; description; buffers; metadata_buffer; metadata } */
    static final class Model extends Tbl {
        static Model root(ByteBuffer bb) {
            bb.order(ByteOrder.LITTLE_ENDIAN);
            return new Model().at(bb.getInt(bb.position()) + bb.position(), bb);
        }

        static boolean hasIdentifier(ByteBuffer bb) {
            return __has_identifier(bb, FILE_IDENTIFIER);
        }

        int version() {
            return intField(0, 0);
        }

        int operatorCodesLength() {
            return vectorLength(1);
        }

        OperatorCode operatorCode(int i) {
            return tableElement(1, i, new OperatorCode());
        }

        int subgraphsLength() {
            return vectorLength(2);
        }

        SubGraph subgraph(int i) {
            return tableElement(2, i, new SubGraph());
        }

        String description() {
            return stringField(3);
        }

        int buffersLength() {
            return vectorLength(4);
        }

        Buffer buffer(int i) {
            return tableElement(4, i, new Buffer());
        }
    }

    /** table OperatorCode { deprecated_builtin_code:byte; custom_code; version; builtin_code:int } */
    static final class OperatorCode extends Tbl {
        /**
         * Codes below 127 were stored in the old byte field; newer writers fill both. The larger of the
         * two is the operator, as TFLite itself resolves it.
         */
        int builtinCode() {
            int old = byteField(0, (byte) 0);
            int current = intField(3, 0);
            return Math.max(old, current);
        }

        String customCode() {
            return stringField(1);
        }

        int version() {
            return intField(2, 1);
        }
    }

    /** table SubGraph { tensors; inputs; outputs; operators; name } */
    static final class SubGraph extends Tbl {
        int tensorsLength() {
            return vectorLength(0);
        }

        Tensor tensor(int i) {
            return tableElement(0, i, new Tensor());
        }

        int[] inputs() {
            return intVector(1);
        }

        int[] outputs() {
            return intVector(2);
        }

        int operatorsLength() {
            return vectorLength(3);
        }

        Operator operator(int i) {
            return tableElement(3, i, new Operator());
        }

        String name() {
            return stringField(4);
        }
    }

    /** table Tensor { shape; type; buffer; name; quantization; is_variable; ... } */
    static final class Tensor extends Tbl {
        int[] shape() {
            return intVector(0);
        }

        byte type() {
            return byteField(1, FLOAT32);
        }

        int buffer() {
            return intField(2, 0);
        }

        String name() {
            return stringField(3);
        }

        Quantization quantization() {
            return table(4, new Quantization());
        }
    }

    /** table QuantizationParameters { min; max; scale; zero_point; details (2 slots); quantized_dimension } */
    static final class Quantization extends Tbl {
        float[] scale() {
            return floatVector(2);
        }

        long[] zeroPoint() {
            return longVector(3);
        }

        int quantizedDimension() {
            return intField(6, 0);
        }
    }

    /** table Operator { opcode_index; inputs; outputs; builtin_options_type; builtin_options; ... } */
    static final class Operator extends Tbl {
        int opcodeIndex() {
            return intField(0, 0);
        }

        int[] inputs() {
            return intVector(1);
        }

        int[] outputs() {
            return intVector(2);
        }

        byte optionsType() {
            return byteField(3, (byte) 0);
        }

        <T extends Tbl> T options(T into) {
            return table(4, into);
        }
    }

    /** table Buffer { data:[ubyte]; offset:ulong; size:ulong } */
    static final class Buffer extends Tbl {
        ByteBuffer data() {
            return bytes(0);
        }

        /** Where this buffer's inline data ends in the file, or 0 when it has none. */
        long dataEnd() {
            int o = __offset(slot(0));
            if (o == 0) {
                return 0;
            }
            return (long) __vector(o) + __vector_len(o);
        }

        long offset() {
            int o = __offset(slot(1));
            return o != 0 ? bb.getLong(o + bb_pos) : 0;
        }

        long size() {
            int o = __offset(slot(2));
            return o != 0 ? bb.getLong(o + bb_pos) : 0;
        }
    }

    /** table Conv2DOptions { padding; stride_w; stride_h; fused_activation_function; dilation_w_factor; dilation_h_factor } */
    static final class Conv2DOptions extends Tbl {
        byte padding() { return byteField(0, PADDING_SAME); }
        int strideW() { return intField(1, 0); }
        int strideH() { return intField(2, 0); }
        byte activation() { return byteField(3, ACT_NONE); }
        int dilationW() { return intField(4, 1); }
        int dilationH() { return intField(5, 1); }
    }

    /** table DepthwiseConv2DOptions { padding; stride_w; stride_h; depth_multiplier; fused_activation_function; dilation_w_factor; dilation_h_factor } */
    static final class DepthwiseConv2DOptions extends Tbl {
        byte padding() { return byteField(0, PADDING_SAME); }
        int strideW() { return intField(1, 0); }
        int strideH() { return intField(2, 0); }
        int depthMultiplier() { return intField(3, 0); }
        byte activation() { return byteField(4, ACT_NONE); }
        int dilationW() { return intField(5, 1); }
        int dilationH() { return intField(6, 1); }
    }

    /** table Pool2DOptions { padding; stride_w; stride_h; filter_width; filter_height; fused_activation_function } */
    static final class Pool2DOptions extends Tbl {
        byte padding() { return byteField(0, PADDING_SAME); }
        int strideW() { return intField(1, 0); }
        int strideH() { return intField(2, 0); }
        int filterW() { return intField(3, 0); }
        int filterH() { return intField(4, 0); }
        byte activation() { return byteField(5, ACT_NONE); }
    }

    /** table FullyConnectedOptions { fused_activation_function; weights_format; keep_num_dims; ... } */
    static final class FullyConnectedOptions extends Tbl {
        byte activation() { return byteField(0, ACT_NONE); }
        byte weightsFormat() { return byteField(1, (byte) 0); }
    }

    /** table SoftmaxOptions { beta:float } */
    static final class SoftmaxOptions extends Tbl {
        float beta() { return floatField(0, 0f); }
    }

    /** table AddOptions { fused_activation_function; pot_scale_int16 } */
    static final class AddOptions extends Tbl {
        byte activation() { return byteField(0, ACT_NONE); }
    }

    /** table ReducerOptions { keep_dims:bool } */
    static final class ReducerOptions extends Tbl {
        boolean keepDims() { return byteField(0, (byte) 0) != 0; }
    }
}
