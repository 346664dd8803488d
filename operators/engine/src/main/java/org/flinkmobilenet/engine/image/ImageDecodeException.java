package org.flinkmobilenet.engine.image;

/** A picture that cannot be turned into pixels, with a short machine-readable reason. */
public final class ImageDecodeException extends Exception {

    public enum Reason {
        /** Bytes that do not decode: truncated, damaged or not a picture at all. */
        CORRUPT("corrupt"),
        /** Too many bytes or pixels for the configured limits. */
        TOO_LARGE("too-large"),
        /** A format or variant this decoder does not handle. */
        UNSUPPORTED("unsupported-format");

        public final String code;

        Reason(String code) {
            this.code = code;
        }
    }

    private final Reason reason;

    public ImageDecodeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageDecodeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
