package org.flinkmobilenet.engine.model;

/** Test access to package-private parts of {@link EmbeddedLabels}. */
public final class EmbeddedLabelsAccess {
    private EmbeddedLabelsAccess() {}

    public static int zipStart(byte[] file) {
        return EmbeddedLabels.zipStart(file);
    }
}
