package org.flinkmobilenet.operators;

import org.flinkmobilenet.engine.image.ImageFormat;

/**
 * Reads a frame's headers into a {@link Frame}, or says why the frame cannot be used.
 *
 * <p>Header values are UTF-8 text. The fallbacks, as documented in the README:
 * <ul>
 *   <li>{@value #CAMERA_ID}: the record key when the header is absent; one of the two is required.
 *   <li>{@value #FRAME_SEQ}: the record's offset in its partition when absent (monotonic per camera
 *       as long as a camera's frames share a partition, which keying by camera id ensures).
 *   <li>{@value #CAPTURE_TS}: the record timestamp when absent.
 *   <li>{@value #CONTENT_TYPE}: when absent, JPEG, PNG or BMP is recognised from the bytes; raw RGB24
 *       must be declared, with {@value #WIDTH} and {@value #HEIGHT}.
 * </ul>
 * A header that is present but unreadable is never replaced by a fallback: the frame is refused.
 *
 * <p>With a size limit, a value longer than the limit is refused ({@code too-large}) before anything
 * else is read, so an oversized frame is never shuffled to a classify subtask nor decoded.
 */
public final class FrameCodec {

    public static final String CAMERA_ID = "camera-id";
    public static final String FRAME_SEQ = "frame-seq";
    public static final String CAPTURE_TS = "capture-ts";
    public static final String CONTENT_TYPE = "content-type";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";

    private FrameCodec() {}

    public static Frame parse(RawFrame raw) throws RejectedFrameException {
        return parse(raw, Integer.MAX_VALUE);
    }

    /** As {@link #parse(RawFrame)}, refusing first a value of more than {@code maxValueBytes} bytes. */
    public static Frame parse(RawFrame raw, int maxValueBytes) throws RejectedFrameException {
        if (raw.value != null && raw.value.length > maxValueBytes) {
            throw new RejectedFrameException(DeadLetterReason.TOO_LARGE, "frame of " + raw.value.length
                    + " bytes exceeds the limit of " + maxValueBytes + " bytes");
        }
        String camera = cameraId(raw);
        long seq = raw.header(FRAME_SEQ) != null ? number(raw, FRAME_SEQ) : raw.offset;
        long captured = captureTs(raw);
        String contentType = raw.header(CONTENT_TYPE);
        ImageFormat format = null;
        int width = 0, height = 0;
        if (contentType != null && !contentType.isEmpty()) {
            format = ImageFormat.ofMimeType(contentType);
            if (format == null) {
                throw new RejectedFrameException(DeadLetterReason.UNSUPPORTED_FORMAT, "content-type '" + contentType
                        + "' is not one of image/jpeg, image/png, image/bmp, application/x-rgb24");
            }
            if (format == ImageFormat.RGB24) {
                width = dimension(raw, WIDTH);
                height = dimension(raw, HEIGHT);
            }
        }
        return new Frame(camera, seq, captured, format, width, height, raw);
    }

    private static String cameraId(RawFrame raw) throws RejectedFrameException {
        String camera = raw.header(CAMERA_ID);
        if (camera == null || camera.isEmpty()) {
            camera = raw.keyText();
        }
        if (camera == null || camera.isBlank()) {
            throw new RejectedFrameException(DeadLetterReason.MISSING_HEADER,
                    "no camera id: neither a " + CAMERA_ID + " header nor a record key");
        }
        return camera.strip();
    }

    private static long captureTs(RawFrame raw) throws RejectedFrameException {
        if (raw.header(CAPTURE_TS) != null) {
            long ts = number(raw, CAPTURE_TS);
            if (ts <= 0) {
                throw new RejectedFrameException(DeadLetterReason.BAD_HEADER,
                        CAPTURE_TS + " must be epoch milliseconds, was " + ts);
            }
            return ts;
        }
        if (raw.timestamp < 0) {
            throw new RejectedFrameException(DeadLetterReason.MISSING_HEADER,
                    "no capture time: neither a " + CAPTURE_TS + " header nor a record timestamp");
        }
        return raw.timestamp;
    }

    private static int dimension(RawFrame raw, String name) throws RejectedFrameException {
        if (raw.header(name) == null) {
            throw new RejectedFrameException(DeadLetterReason.MISSING_HEADER,
                    "raw RGB24 frame without a " + name + " header");
        }
        long v = number(raw, name);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new RejectedFrameException(DeadLetterReason.BAD_HEADER, name + " must be a positive size, was " + v);
        }
        return (int) v;
    }

    private static long number(RawFrame raw, String name) throws RejectedFrameException {
        String text = raw.header(name);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new RejectedFrameException(DeadLetterReason.BAD_HEADER,
                    name + " header '" + text + "' is not a decimal integer");
        }
    }
}
