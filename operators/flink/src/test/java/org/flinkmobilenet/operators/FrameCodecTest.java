package org.flinkmobilenet.operators;

import static org.flinkmobilenet.operators.Frames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flinkmobilenet.engine.image.ImageFormat;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    @Test
    void readsEveryHeader() throws Exception {
        RawFrame raw = frame().key("ignored-key").header("camera-id", "cam-7").header("frame-seq", "42")
                .header("capture-ts", "1700000000123").header("content-type", "image/jpeg").timestamp(5).offset(9).raw();
        Frame f = FrameCodec.parse(raw);
        assertEquals("cam-7", f.cameraId);
        assertEquals(42, f.frameSeq);
        assertEquals(1700000000123L, f.captureTs);
        assertEquals(ImageFormat.JPEG, f.format);
        assertSame(raw, f.raw);
    }

    @Test
    void fallsBackToKeyOffsetAndRecordTimestamp() throws Exception {
        Frame f = FrameCodec.parse(frame().key("cam-1").timestamp(1700000000999L).offset(17).raw());
        assertEquals("cam-1", f.cameraId);
        assertEquals(17, f.frameSeq);
        assertEquals(1700000000999L, f.captureTs);
        assertNull(f.format, "no content-type: the format is recognised from the bytes");
    }

    @Test
    void rawFramesCarryTheirSize() throws Exception {
        Frame f = FrameCodec.parse(frame().key("c").timestamp(1).header("content-type", "application/x-rgb24")
                .header("width", "224").header("height", "160").raw());
        assertEquals(ImageFormat.RGB24, f.format);
        assertEquals(224, f.width);
        assertEquals(160, f.height);
    }

    @Test
    void theLastOfRepeatedHeadersWins() throws Exception {
        Frame f = FrameCodec.parse(frame().header("camera-id", "old").header("camera-id", "new").timestamp(1).raw());
        assertEquals("new", f.cameraId);
    }

    @Test
    void refusesFramesWithoutCameraId() {
        assertReason(DeadLetterReason.MISSING_HEADER, frame().timestamp(1).raw());
        assertReason(DeadLetterReason.MISSING_HEADER, frame().key("  ").timestamp(1).raw());
    }

    @Test
    void refusesFramesWithoutCaptureTime() {
        assertReason(DeadLetterReason.MISSING_HEADER, frame().key("c").raw());
    }

    @Test
    void refusesRawFramesWithoutSize() {
        assertReason(DeadLetterReason.MISSING_HEADER,
                frame().key("c").timestamp(1).header("content-type", "application/x-rgb24").header("width", "8").raw());
        assertReason(DeadLetterReason.BAD_HEADER, frame().key("c").timestamp(1)
                .header("content-type", "application/x-rgb24").header("width", "8").header("height", "0").raw());
    }

    @Test
    void refusesUnreadableHeadersInsteadOfFallingBack() {
        assertReason(DeadLetterReason.BAD_HEADER, frame().key("c").timestamp(1).header("frame-seq", "seven").raw());
        assertReason(DeadLetterReason.BAD_HEADER, frame().key("c").timestamp(1).header("capture-ts", "yesterday").raw());
        assertReason(DeadLetterReason.BAD_HEADER, frame().key("c").timestamp(1).header("capture-ts", "-5").raw());
    }

    @Test
    void refusesUnknownContentTypes() {
        RejectedFrameException e = assertReason(DeadLetterReason.UNSUPPORTED_FORMAT,
                frame().key("c").timestamp(1).header("content-type", "image/gif").raw());
        assertTrue(e.getMessage().contains("image/gif"), e.getMessage());
    }

    private static RejectedFrameException assertReason(DeadLetterReason expected, RawFrame raw) {
        RejectedFrameException e = assertThrows(RejectedFrameException.class, () -> FrameCodec.parse(raw));
        assertEquals(expected, e.reason(), e.getMessage());
        return e;
    }
}
