package org.flinkmobilenet.engine.model;

import java.io.IOException;

/** A model file that cannot be used; the message names the file and the op, tensor or field at fault. */
public class ModelLoadException extends IOException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
