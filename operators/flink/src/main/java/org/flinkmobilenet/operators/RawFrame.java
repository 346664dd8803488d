package org.flinkmobilenet.operators;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A frame exactly as it arrived: the record's key, value and headers, untouched, plus the record's
 * timestamp and position. Carried through the pipeline so a dead letter can return the original bytes.
 *
 * <p>A Flink POJO (public fields, no-argument constructor) so it is serialized without Kryo.
 */
public class RawFrame {

    /** Record key, or null. Cameras put their camera id here. */
    public byte[] key;
    /** Record value: the encoded picture or raw RGB24 pixels; null for a tombstone. */
    public byte[] value;
    /** Header names in record order (a name may repeat); parallel to {@link #headerValues}. */
    public String[] headerNames;
    /** (headers) header values; an entry is null for a header without value. */
    public byte[][] headerValues;
    /** The record's timestamp in epoch ms, or -1 if it has none. */
    public long timestamp;
    public String topic;
    public int partition;
    public long offset;

    public RawFrame() {
        headerNames = new String[0];
        headerValues = new byte[0][];
        timestamp = -1;
    }

    public RawFrame(byte[] key, byte[] value, String[] headerNames, byte[][] headerValues,
                    long timestamp, String topic, int partition, long offset) {
        if (headerNames.length != headerValues.length) {
            throw new IllegalArgumentException("header names and values differ in number");
        }
        this.key = key;
        this.value = value;
        this.headerNames = headerNames;
        this.headerValues = headerValues;
        this.timestamp = timestamp;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /** The last header of that name as UTF-8 text, stripped; null if absent or without value. */
    public String header(String name) {
        for (int i = headerNames.length - 1; i >= 0; i--) {
            if (headerNames[i].equals(name)) {
                return headerValues[i] == null ? null : new String(headerValues[i], StandardCharsets.UTF_8).strip();
            }
        }
        return null;
    }

    /** The key as UTF-8 text, or null. */
    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** Where the record came from, for messages: topic-partition@offset. */
    public String position() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawFrame r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && Arrays.equals(headerNames, r.headerNames) && Arrays.deepEquals(headerValues, r.headerValues)
                && timestamp == r.timestamp && Objects.equals(topic, r.topic) && partition == r.partition
                && offset == r.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), topic, partition, offset);
    }

    @Override
    public String toString() {
        return "RawFrame{" + position() + ", key=" + keyText() + ", " + (value == null ? "no" : value.length)
                + " bytes, headers=" + Arrays.toString(headerNames) + "}";
    }
}
