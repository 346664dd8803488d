package org.flinkmobilenet.engine.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import org.flinkmobilenet.engine.onnx.OnnxModel.Attribute;
import org.flinkmobilenet.engine.onnx.OnnxModel.Node;

/**
 * Typed access to one node's attributes. An attribute the loader does not know for that op is an
 * error rather than ignored, since ignoring it could silently change what the network computes.
 */
final class OnnxAttributes {

    private final Node node;

    OnnxAttributes(Node node, Set<String> known) {
        this.node = node;
        for (Attribute a : node.attributes()) {
            if (!known.contains(a.name())) {
                throw new OnnxImportProblem("attribute '" + a.name() + "' is not supported for " + node.opType()
                        + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private Attribute find(String name, int type) {
        Attribute a = node.attribute(name);
        if (a != null && a.type() != type) {
            throw new OnnxImportProblem("attribute '" + name + "' has attribute type " + a.type() + ", expected " + type);
        }
        return a;
    }

    boolean has(String name) {
        return node.attribute(name) != null;
    }

    long integer(String name, long dflt) {
        Attribute a = find(name, OnnxModel.ATTR_INT);
        return a == null ? dflt : a.i();
    }

    float real(String name, float dflt) {
        Attribute a = find(name, OnnxModel.ATTR_FLOAT);
        return a == null ? dflt : a.f();
    }

    long[] integers(String name, long[] dflt) {
        Attribute a = find(name, OnnxModel.ATTR_INTS);
        return a == null ? dflt : a.ints();
    }

    String string(String name, String dflt) {
        Attribute a = find(name, OnnxModel.ATTR_STRING);
        return a == null ? dflt : new String(a.s(), StandardCharsets.UTF_8);
    }

    OnnxModel.Tensor tensor(String name) {
        Attribute a = find(name, OnnxModel.ATTR_TENSOR);
        return a == null ? null : a.t();
    }

    float[] reals(String name) {
        Attribute a = find(name, OnnxModel.ATTR_FLOATS);
        return a == null ? null : a.floats();
    }

    /** An int list of exactly {@code count} values, or {@code dflt} when absent. */
    int[] ints(String name, int count, int dflt) {
        long[] v = integers(name, null);
        int[] out = new int[count];
        if (v == null) {
            Arrays.fill(out, dflt);
            return out;
        }
        if (v.length != count) {
            throw new OnnxImportProblem("attribute '" + name + "' = " + Arrays.toString(v) + " needs " + count + " values");
        }
        for (int i = 0; i < count; i++) {
            if (v[i] < Integer.MIN_VALUE || v[i] > Integer.MAX_VALUE) {
                throw new OnnxImportProblem("attribute '" + name + "' = " + Arrays.toString(v) + " is out of range");
            }
            out[i] = (int) v[i];
        }
        return out;
    }
}
