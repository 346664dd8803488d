package org.flinkmobilenet.engine.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Writes small TFLite flatbuffers for tests, with the flatbuffers runtime's builder: real files of the
 * real format, shaped to exercise one thing each (an unsupported op, a wrong shape, per-channel int8).
 */
final class TinyTflite {

    record TensorSpec(String name, int[] shape, byte type, byte[] data, float[] scale, long[] zeroPoint, int axis) {}

    record OpSpec(int builtin, int[] inputs, int[] outputs, byte optionsType, ToIntFunction<FlatBufferBuilder> options) {}

    private final List<TensorSpec> tensors = new ArrayList<>();
    private final List<OpSpec> ops = new ArrayList<>();

    int tensor(String name, int[] shape, byte type, byte[] data, float[] scale, long[] zeroPoint, int axis) {
        tensors.add(new TensorSpec(name, shape, type, data, scale, zeroPoint, axis));
        return tensors.size() - 1;
    }

    int activation(String name, int... shape) {
        return tensor(name, shape, TfliteSchema.FLOAT32, null, null, null, 0);
    }

    int floats(String name, int[] shape, float... values) {
        ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bb.putFloat(v);
        }
        return tensor(name, shape, TfliteSchema.FLOAT32, bb.array(), null, null, 0);
    }

    int ints(String name, int... values) {
        ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            bb.putInt(v);
        }
        return tensor(name, new int[] {values.length}, TfliteSchema.INT32, bb.array(), null, null, 0);
    }

    void op(int builtin, int[] inputs, int[] outputs, byte optionsType, ToIntFunction<FlatBufferBuilder> options) {
        ops.add(new OpSpec(builtin, inputs, outputs, optionsType, options));
    }

    static ToIntFunction<FlatBufferBuilder> convOptions(int stride, byte padding, byte activation) {
        return b -> {
            b.startTable(6);
            b.addInt(2, stride, 0);
            b.addInt(1, stride, 0);
            b.addByte(0, padding, 0);
            b.addByte(3, activation, 0);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> convOptionsDilated(int dilation) {
        return b -> {
            b.startTable(6);
            b.addInt(1, 1, 0);
            b.addInt(2, 1, 0);
            b.addInt(4, dilation, 1);
            b.addInt(5, dilation, 1);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> poolOptions(int filter, int stride, byte padding) {
        return b -> {
            b.startTable(6);
            b.addInt(1, stride, 0);
            b.addInt(2, stride, 0);
            b.addInt(3, filter, 0);
            b.addInt(4, filter, 0);
            b.addByte(0, padding, 0);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> softmaxOptions(float beta) {
        return b -> {
            b.startTable(1);
            b.addFloat(0, beta, 0);
            return b.endTable();
        };
    }

    byte[] build(int input, int output, String identifier) {
        FlatBufferBuilder b = new FlatBufferBuilder(1024);
        // Buffers: 0 is the empty sentinel, then one per constant tensor.
        List<Integer> bufferTables = new ArrayList<>();
        b.startTable(1);
        bufferTables.add(b.endTable());
        int[] bufferOf = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec t = tensors.get(i);
            if (t.data() != null) {
                int data = b.createByteVector(t.data());
                b.startTable(1);
                b.addOffset(0, data, 0);
                bufferTables.add(b.endTable());
                bufferOf[i] = bufferTables.size() - 1;
            }
        }
        int[] tensorTables = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec t = tensors.get(i);
            int shape = intVector(b, t.shape());
            int name = b.createString(t.name());
            int quant = 0;
            if (t.scale() != null) {
                int scale = floatVector(b, t.scale());
                int zp = longVector(b, t.zeroPoint());
                b.startTable(7);
                b.addOffset(2, scale, 0);
                b.addOffset(3, zp, 0);
                b.addInt(6, t.axis(), 0);
                quant = b.endTable();
            }
            b.startTable(5);
            b.addOffset(0, shape, 0);
            b.addByte(1, t.type(), 0);
            b.addInt(2, bufferOf[i], 0);
            b.addOffset(3, name, 0);
            if (quant != 0) {
                b.addOffset(4, quant, 0);
            }
            tensorTables[i] = b.endTable();
        }
        List<Integer> codes = new ArrayList<>();
        int[] opTables = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            OpSpec op = ops.get(i);
            if (!codes.contains(op.builtin())) {
                codes.add(op.builtin());
            }
            int options = op.options() == null ? 0 : op.options().applyAsInt(b);
            int in = intVector(b, op.inputs());
            int out = intVector(b, op.outputs());
            b.startTable(5);
            b.addInt(0, codes.indexOf(op.builtin()), 0);
            b.addOffset(1, in, 0);
            b.addOffset(2, out, 0);
            if (options != 0) {
                b.addByte(3, op.optionsType(), 0);
                b.addOffset(4, options, 0);
            }
            opTables[i] = b.endTable();
        }
        int[] codeTables = new int[codes.size()];
        for (int i = 0; i < codes.size(); i++) {
            int code = codes.get(i);
            b.startTable(4);
            b.addByte(0, (byte) Math.min(code, 127), 0);
            b.addInt(3, code, 0);
            codeTables[i] = b.endTable();
        }
        int tensorsVec = b.createVectorOfTables(tensorTables);
        int inputs = intVector(b, new int[] {input});
        int outputs = intVector(b, new int[] {output});
        int opsVec = b.createVectorOfTables(opTables);
        int sgName = b.createString("main");
        b.startTable(5);
        b.addOffset(0, tensorsVec, 0);
        b.addOffset(1, inputs, 0);
        b.addOffset(2, outputs, 0);
        b.addOffset(3, opsVec, 0);
        b.addOffset(4, sgName, 0);
        int subgraph = b.endTable();
        int subgraphs = b.createVectorOfTables(new int[] {subgraph});
        int codesVec = b.createVectorOfTables(codeTables);
        int buffersVec = b.createVectorOfTables(bufferTables.stream().mapToInt(Integer::intValue).toArray());
        int description = b.createString("test model");
        b.startTable(5);
        b.addInt(0, 3, 0);
        b.addOffset(1, codesVec, 0);
        b.addOffset(2, subgraphs, 0);
        b.addOffset(3, description, 0);
        b.addOffset(4, buffersVec, 0);
        int model = b.endTable();
        b.finish(model, identifier);
        return b.sizedByteArray();
    }

    private static int intVector(FlatBufferBuilder b, int[] v) {
        b.startVector(4, v.length, 4);
        for (int i = v.length - 1; i >= 0; i--) {
            b.addInt(v[i]);
        }
        return b.endVector();
    }

    private static int floatVector(FlatBufferBuilder b, float[] v) {
        b.startVector(4, v.length, 4);
        for (int i = v.length - 1; i >= 0; i--) {
            b.addFloat(v[i]);
        }
        return b.endVector();
    }

    private static int longVector(FlatBufferBuilder b, long[] v) {
        b.startVector(8, v.length, 8);
        for (int i = v.length - 1; i >= 0; i--) {
            b.addLong(v[i]);
        }
        return b.endVector();
    }
}
