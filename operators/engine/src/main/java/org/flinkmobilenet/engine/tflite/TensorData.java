package org.flinkmobilenet.engine.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns a constant tensor's bytes into floats: float32 as is, float16 widened, and quantized
 * integers dequantized as {@code scale * (q - zero_point)}, per tensor or per channel along the
 * tensor's quantized dimension.
 */
final class TensorData {

    private TensorData() {}

    static String typeName(byte type) {
        return switch (type) {
            case TfliteSchema.FLOAT32 -> "float32";
            case TfliteSchema.FLOAT16 -> "float16";
            case TfliteSchema.INT32 -> "int32";
            case TfliteSchema.UINT8 -> "uint8";
            case TfliteSchema.INT64 -> "int64";
            case TfliteSchema.INT16 -> "int16";
            case TfliteSchema.INT8 -> "int8";
            default -> "type " + type;
        };
    }

    static int elementSize(byte type) {
        return switch (type) {
            case TfliteSchema.FLOAT32, TfliteSchema.INT32 -> 4;
            case TfliteSchema.FLOAT16, TfliteSchema.INT16 -> 2;
            case TfliteSchema.UINT8, TfliteSchema.INT8 -> 1;
            case TfliteSchema.INT64 -> 8;
            default -> -1;
        };
    }

    /**
     * @param shape   the tensor's shape
     * @param scale   quantization scales: empty for float tensors, 1 per tensor, or one per channel
     * @param zero    zero points, same count as scales (or empty, meaning 0)
     * @param axis    the dimension per-channel scales run along
     * @throws IllegalArgumentException naming what does not fit
     */
    static float[] toFloats(ByteBuffer data, byte type, int[] shape, float[] scale, long[] zero, int axis) {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("constant has a negative dimension");
            }
            count *= d;
        }
        int size = elementSize(type);
        if (size < 0) {
            throw new IllegalArgumentException("unsupported constant type " + typeName(type));
        }
        if (data == null || data.remaining() != count * size) {
            throw new IllegalArgumentException("holds " + (data == null ? 0 : data.remaining()) + " bytes but shape "
                    + java.util.Arrays.toString(shape) + " of " + typeName(type) + " needs " + count * size);
        }
        ByteBuffer bb = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) count];
        if (type == TfliteSchema.FLOAT32) {
            bb.asFloatBuffer().get(out);
            return out;
        }
        if (type == TfliteSchema.FLOAT16) {
            for (int i = 0; i < out.length; i++) {
                out[i] = halfToFloat(bb.getShort(i * 2));
            }
            return out;
        }
        if (scale.length == 0) {
            throw new IllegalArgumentException(typeName(type) + " constant has no quantization scale");
        }
        if (zero.length != 0 && zero.length != scale.length) {
            throw new IllegalArgumentException(scale.length + " scales but " + zero.length + " zero points");
        }
        // Element i belongs to channel (i / inner) % channels along the quantized axis.
        int channels = 1, inner = 1;
        if (scale.length > 1) {
            if (axis < 0 || axis >= shape.length || shape[axis] != scale.length) {
                throw new IllegalArgumentException(scale.length + " per-channel scales do not match dimension "
                        + axis + " of shape " + java.util.Arrays.toString(shape));
            }
            channels = shape[axis];
            for (int d = axis + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
        }
        for (int i = 0; i < out.length; i++) {
            int ch = scale.length > 1 ? (i / inner) % channels : 0;
            long q = switch (type) {
                case TfliteSchema.UINT8 -> bb.get(i) & 0xff;
                case TfliteSchema.INT8 -> bb.get(i);
                case TfliteSchema.INT16 -> bb.getShort(i * 2);
                case TfliteSchema.INT32 -> bb.getInt(i * 4);
                case TfliteSchema.INT64 -> bb.getLong(i * 8);
                default -> throw new IllegalArgumentException("unsupported constant type " + typeName(type));
            };
            long z = zero.length == 0 ? 0 : zero[ch];
            out[i] = (float) (scale[ch] * (double) (q - z));
        }
        return out;
    }

    /** Reads an integer constant (axes, paddings, shapes): int32 or int64. */
    static int[] toInts(ByteBuffer data, byte type) {
        ByteBuffer bb = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (type == TfliteSchema.INT32) {
            int[] out = new int[bb.remaining() / 4];
            bb.asIntBuffer().get(out);
            return out;
        }
        if (type == TfliteSchema.INT64) {
            int[] out = new int[bb.remaining() / 8];
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.toIntExact(bb.getLong(i * 8));
            }
            return out;
        }
        throw new IllegalArgumentException("expected an int32 or int64 constant, found " + typeName(type));
    }

    /** IEEE 754 half precision to float (Float.float16ToFloat arrived only in Java 20). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float value = mant / 1024f / 16384f; // subnormal: mant * 2^-24
            return sign != 0 ? -value : value;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
