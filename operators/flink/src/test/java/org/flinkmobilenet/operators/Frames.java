package org.flinkmobilenet.operators;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds {@link RawFrame}s the way the Kafka deserializer does, for tests. */
final class Frames {

    private final List<String> names = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private byte[] key;
    private byte[] value = new byte[0];
    private long timestamp = -1;
    private long offset;

    static Frames frame() {
        return new Frames();
    }

    Frames key(String k) {
        key = k == null ? null : k.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    Frames value(byte[] v) {
        value = v;
        return this;
    }

    Frames header(String name, String v) {
        names.add(name);
        values.add(v == null ? null : v.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Frames timestamp(long ts) {
        timestamp = ts;
        return this;
    }

    Frames offset(long o) {
        offset = o;
        return this;
    }

    RawFrame raw() {
        return new RawFrame(key, value, names.toArray(String[]::new), values.toArray(byte[][]::new), timestamp,
                "frames", 0, offset);
    }
}
