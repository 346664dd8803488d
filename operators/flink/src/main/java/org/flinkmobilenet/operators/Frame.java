package org.flinkmobilenet.operators;

import org.flinkmobilenet.engine.image.ImageFormat;

/**
 * A frame whose headers have been read (see {@link FrameCodec}): who sent it, its sequence number,
 * when it was captured and how its bytes are encoded. The pixels are decoded later, in the
 * classify operator, so only the compact encoded bytes travel between operators.
 */
public class Frame {

    public String cameraId;
    public long frameSeq;
    /** Capture time, epoch ms. */
    public long captureTs;
    /** The declared encoding, or null to recognise JPEG/PNG/BMP from the bytes. */
    public ImageFormat format;
    /** Size of a raw RGB24 frame; 0 for encoded pictures, which carry their own size. */
    public int width;
    public int height;
    /** The record as it arrived, for the dead-letter topic. */
    public RawFrame raw;

    public Frame() {}

    public Frame(String cameraId, long frameSeq, long captureTs, ImageFormat format, int width, int height, RawFrame raw) {
        this.cameraId = cameraId;
        this.frameSeq = frameSeq;
        this.captureTs = captureTs;
        this.format = format;
        this.width = width;
        this.height = height;
        this.raw = raw;
    }

    @Override
    public String toString() {
        return "Frame{" + cameraId + "#" + frameSeq + ", captured " + captureTs + ", "
                + (format == null ? "sniffed" : format.mimeType) + (width > 0 ? " " + width + "x" + height : "") + "}";
    }
}
