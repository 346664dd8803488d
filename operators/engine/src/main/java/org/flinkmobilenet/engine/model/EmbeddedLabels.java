package org.flinkmobilenet.engine.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int MAX_LABELS_BYTES = 4 << 20;

    private EmbeddedLabels() {}

    /**
     * @throws IOException when the file holds the start of a zip entry but no complete archive, as a
     *     model file cut short in its metadata does
     */
    public static Optional<List<String>> find(byte[] file) throws IOException {
        int zipStart = zipStart(file);
        if (zipStart < 0) {
            int entry = lastLocalHeader(file);
            if (entry >= 0) {
                throw new IOException("the zip archive of associated files that starts at byte " + entry
                        + " is incomplete (truncated file?)");
            }
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

    /**
     * Position of the last plausible zip local file header (signature, version below 64, a short
     * name), or -1. Model weights may hold the 4 signature bytes by chance; the extra checks make a
     * false match very unlikely.
     */
    static int lastLocalHeader(byte[] file) {
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = file.length - 30; p >= 0; p--) {
            if (bb.getInt(p) == LOCAL_HEADER_SIGNATURE) {
                int version = bb.getShort(p + 4) & 0xffff;
                int nameLength = bb.getShort(p + 26) & 0xffff;
                if (version < 64 && nameLength > 0 && nameLength < 256) {
                    return p;
                }
            }
        }
        return -1;
    }

    /**
     * Offset of the first entry of a zip archive at the end of the file, or -1 when there is none.
     * Writers differ: some record offsets from the start of the archive, others from the start of
     * the file; the central directory's physical position tells which.
     */
    static int zipStart(byte[] file) {
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int lowest = Math.max(0, file.length - 22 - 0xffff);
        for (int p = file.length - 22; p >= lowest; p--) {
            if (bb.getInt(p) != EOCD_SIGNATURE) {
                continue;
            }
            long cdSize = bb.getInt(p + 12) & 0xffffffffL;
            long cdOffset = bb.getInt(p + 16) & 0xffffffffL;
            long cdStart = p - cdSize;
            if (cdStart < 0 || cdStart + 46 > file.length || bb.getInt((int) cdStart) != CENTRAL_SIGNATURE) {
                continue;
            }
            long shift = cdStart - cdOffset; // 0 when offsets count from the start of the file
            long firstLocal = (bb.getInt((int) cdStart + 42) & 0xffffffffL) + shift;
            if (firstLocal >= 0 && firstLocal + 4 <= file.length && bb.getInt((int) firstLocal) == LOCAL_HEADER_SIGNATURE) {
                return (int) firstLocal;
            }
        }
        return -1;
    }
}
