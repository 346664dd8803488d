package org.flinkmobilenet.engine.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.flinkmobilenet.engine.onnx.OnnxModel.Tensor;

/**
 * Tensor data in and out of ONNX, and the layout changes between ONNX's NCHW weights and the engine's
 * NHWC ones. Decoding failures throw {@link IllegalArgumentException} naming the tensor; the loader
 * adds the file and node.
 */
final class OnnxTensors {

    private OnnxTensors() {}

    static Tensor floats(String name, long[] dims, float[] values) {
        return new Tensor(name, OnnxModel.FLOAT, dims.clone(), null, values, null, false);
    }

    static Tensor longs(String name, long[] dims, long[] values) {
        return new Tensor(name, OnnxModel.INT64, dims.clone(), null, null, values, false);
    }

    static String typeName(int dataType) {
        return switch (dataType) {
            case OnnxModel.FLOAT -> "float32";
            case OnnxModel.UINT8 -> "uint8";
            case OnnxModel.INT8 -> "int8";
            case OnnxModel.INT32 -> "int32";
            case OnnxModel.INT64 -> "int64";
            case OnnxModel.FLOAT16 -> "float16";
            case OnnxModel.DOUBLE -> "float64";
            default -> "data type " + dataType;
        };
    }

    /** The values of a float32 (or float64) tensor, as floats. */
    static float[] toFloats(Tensor t) {
        checkStored(t);
        long count = count(t);
        float[] out;
        if (t.dataType() == OnnxModel.FLOAT) {
            if (t.raw() != null) {
                requireBytes(t, count, Float.BYTES);
                out = new float[(int) count];
                ByteBuffer.wrap(t.raw()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            } else {
                out = t.floatData() == null ? new float[0] : t.floatData().clone();
            }
        } else if (t.dataType() == OnnxModel.DOUBLE) {
            if (t.raw() != null) {
                requireBytes(t, count, Double.BYTES);
                out = new float[(int) count];
                var doubles = ByteBuffer.wrap(t.raw()).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) doubles.get(i);
                }
            } else {
                out = t.floatData() == null ? new float[0] : t.floatData().clone();
            }
        } else {
            throw new IllegalArgumentException("tensor '" + t.name() + "' is " + typeName(t.dataType())
                    + "; only float32 (and float64) weights are supported");
        }
        if (out.length != count) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' has " + out.length + " values but its dims "
                    + Arrays.toString(t.dims()) + " need " + count);
        }
        return out;
    }

    /** The values of an int64 or int32 tensor (shapes, axes). */
    static long[] toLongs(Tensor t) {
        checkStored(t);
        long count = count(t);
        long[] out;
        if (t.dataType() == OnnxModel.INT64 && t.raw() != null) {
            requireBytes(t, count, Long.BYTES);
            out = new long[(int) count];
            ByteBuffer.wrap(t.raw()).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        } else if (t.dataType() == OnnxModel.INT32 && t.raw() != null) {
            requireBytes(t, count, Integer.BYTES);
            out = new long[(int) count];
            var ints = ByteBuffer.wrap(t.raw()).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
            for (int i = 0; i < out.length; i++) {
                out[i] = ints.get(i);
            }
        } else if (t.dataType() == OnnxModel.INT64 || t.dataType() == OnnxModel.INT32) {
            out = t.longData() == null ? new long[0] : t.longData().clone();
        } else {
            throw new IllegalArgumentException("tensor '" + t.name() + "' is " + typeName(t.dataType())
                    + " where an int64 tensor was expected");
        }
        if (out.length != count) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' has " + out.length + " values but its dims "
                    + Arrays.toString(t.dims()) + " need " + count);
        }
        return out;
    }

    private static void checkStored(Tensor t) {
        if (t.external()) {
            throw new IllegalArgumentException("tensor '" + t.name()
                    + "' keeps its data in an external file, which this loader does not read");
        }
    }

    private static long count(Tensor t) {
        long count = 1;
        for (long d : t.dims()) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' has a negative dimension: "
                        + Arrays.toString(t.dims()));
            }
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' is too large: " + Arrays.toString(t.dims()));
            }
        }
        return count;
    }

    private static void requireBytes(Tensor t, long count, int width) {
        if (t.raw().length != count * width) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' has " + t.raw().length
                    + " bytes of raw data but its dims " + Arrays.toString(t.dims()) + " need " + count * width);
        }
    }

    /** Convolution weights (cout, cin, kh, kw) to the engine's (cout, kh, kw, cin). */
    static float[] oihwToOhwi(float[] w, int cout, int cin, int kh, int kw) {
        float[] out = new float[w.length];
        for (int o = 0; o < cout; o++) {
            for (int i = 0; i < cin; i++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        out[((o * kh + y) * kw + x) * cin + i] = w[((o * cin + i) * kh + y) * kw + x];
                    }
                }
            }
        }
        return out;
    }

    /** The engine's (cout, kh, kw, cin) back to ONNX's (cout, cin, kh, kw). */
    static float[] ohwiToOihw(float[] w, int cout, int cin, int kh, int kw) {
        float[] out = new float[w.length];
        for (int o = 0; o < cout; o++) {
            for (int i = 0; i < cin; i++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        out[((o * cin + i) * kh + y) * kw + x] = w[((o * kh + y) * kw + x) * cin + i];
                    }
                }
            }
        }
        return out;
    }

    /** Depthwise weights (c, 1, kh, kw) to the engine's (kh, kw, c). */
    static float[] depthwiseToHwc(float[] w, int c, int kh, int kw) {
        float[] out = new float[w.length];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < kh * kw; p++) {
                out[p * c + ch] = w[ch * kh * kw + p];
            }
        }
        return out;
    }

    /** The engine's depthwise (kh, kw, c) back to ONNX's (c, 1, kh, kw). */
    static float[] depthwiseToChw(float[] w, int c, int kh, int kw) {
        float[] out = new float[w.length];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < kh * kw; p++) {
                out[ch * kh * kw + p] = w[p * c + ch];
            }
        }
        return out;
    }

    /** A row-major (rows, cols) matrix transposed to (cols, rows). */
    static float[] transpose(float[] m, int rows, int cols) {
        float[] out = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = m[r * cols + c];
            }
        }
        return out;
    }

    /**
     * Dense weights (out, c*h*w) whose columns follow a flattened NCHW map, reordered so the columns
     * follow the engine's flattened NHWC map (out, h*w*c).
     */
    static float[] chwColumnsToHwc(float[] w, int out, int h, int wd, int c) {
        int in = h * wd * c;
        float[] r = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * wd; p++) {
                    r[o * in + p * c + ch] = w[o * in + ch * h * wd + p];
                }
            }
        }
        return r;
    }
}
