package org.flinkmobilenet.operators;

/** A frame the codec refuses, with the dead-letter reason. */
public final class RejectedFrameException extends Exception {

    private final DeadLetterReason reason;

    public RejectedFrameException(DeadLetterReason reason, String message) {
        super(message, null, false, false); // an expected outcome: no stack trace needed
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
