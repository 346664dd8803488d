package org.flinkmobilenet.engine.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Labels stored inside a model file. TFLite models with metadata carry their associated files as a
 * zip archive appended to the flatbuffer; this finds the archive from its end-of-central-directory
 * record and reads the first text entry whose name mentions labels.
 */
public final class EmbeddedLabels {

    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int LOCAL_HEADER_SIGNATURE = 0x04034b50;
    private static final int MAX_LABELS_BYTES = 4 << 20;

    private EmbeddedLabels() {}

    public static Optional<List<String>> find(byte[] file) throws IOException {
        int zipStart = zipStart(file);
        if (zipStart < 0) {
            return Optional.empty();
        }
        List<String> best = null;
        try (ZipInputStream zip = new ZipInputStream(
                new ByteArrayInputStream(file, zipStart, file.length - zipStart), StandardCharsets.UTF_8)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName().toLowerCase(Locale.ROOT);
                if (entry.isDirectory() || !name.endsWith(".txt")) {
                    continue;
                }
                byte[] bytes = zip.readNBytes(MAX_LABELS_BYTES);
                List<String> lines = Labels.parse(new String(bytes, StandardCharsets.UTF_8));
                if (name.contains("label")) {
                    return Optional.of(lines);
                }
                if (best == null) {
                    best = lines;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Offset of an appended zip archive, or -1 when the file does not end with one. */
    static int zipStart(byte[] file) {
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int lowest = Math.max(0, file.length - 22 - 0xffff);
        for (int p = file.length - 22; p >= lowest; p--) {
            if (bb.getInt(p) != EOCD_SIGNATURE) {
                continue;
            }
            long cdSize = bb.getInt(p + 12) & 0xffffffffL;
            long cdOffset = bb.getInt(p + 16) & 0xffffffffL;
            long start = p - cdSize - cdOffset;
            if (start >= 0 && start + 4 <= file.length && bb.getInt((int) start) == LOCAL_HEADER_SIGNATURE) {
                return (int) start;
            }
        }
        return -1;
    }
}
