package org.flinkmobilenet.operators;

import org.flinkmobilenet.engine.image.ImageDecodeException;

/** Why a frame went to the dead-letter topic; {@link #code} is the {@code error-class} header value. */
public enum DeadLetterReason {
    /** No camera id (neither header nor key), no capture time, or a raw frame without width/height. */
    MISSING_HEADER("missing-header"),
    /** A header that is present but unreadable: a sequence number or time that is not a number, a zero size. */
    BAD_HEADER("bad-header"),
    /** A content type the job does not decode. */
    UNSUPPORTED_FORMAT("unsupported-format"),
    /** Bytes that do not decode: damaged, truncated, empty, or not what the content type says. */
    CORRUPT("corrupt"),
    /** More bytes or pixels than the configured image limits. */
    TOO_LARGE("too-large"),
    /** Older than --max-frame-age-ms when its turn came. */
    STALE("stale"),
    /** The engine failed on the frame's batch (a bug, not a bad frame; kept out of the labels all the same). */
    INFERENCE_FAILED("inference-failed");

    public final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    public static DeadLetterReason of(ImageDecodeException.Reason reason) {
        return switch (reason) {
            case CORRUPT -> CORRUPT;
            case TOO_LARGE -> TOO_LARGE;
            case UNSUPPORTED -> UNSUPPORTED_FORMAT;
        };
    }
}
