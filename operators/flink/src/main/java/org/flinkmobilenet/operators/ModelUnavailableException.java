package org.flinkmobilenet.operators;

/**
 * The classify operator's model cannot be loaded on this TaskManager (a missing, corrupt or wrong-shaped
 * file). Carried inside Flink's {@code SuppressRestartsException}, so the job fails once with this
 * message instead of restarting into the same failure.
 */
public final class ModelUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public ModelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
