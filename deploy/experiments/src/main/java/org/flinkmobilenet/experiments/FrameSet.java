package org.flinkmobilenet.experiments;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The frames a camera sends, made from the shipped photos: 640x480 JPEG (each photo cropped to 4:3
 * around its centre, scaled, encoded at quality 0.85), or raw RGB24 already at the model's input size
 * (the same 640x480 picture scaled to side x side), as a camera with its own scaler would send it.
 *
 * @param format "jpeg" or "raw"
 * @param side 0 for JPEG, the model's input side for raw frames
 */
record FrameSet(String format, int side, String contentType, List<byte[]> pictures) {

    static final int WIDTH = 640;
    static final int HEIGHT = 480;
    static final List<String> PHOTOS = List.of("coral_parrot.jpg", "tflite-support_burger.jpg", "coral_cat.bmp",
            "tflite-support_dogs.jpg", "coral_grace_hopper.bmp", "coral_owl.jpg", "tflite-support_sparrow.jpg",
            "coral_hot_dog.jpg");

    /** Kafka topic holding these frames; JPEG frames serve every model, raw ones one input size. */
    String topic() {
        return format.equals("jpeg") ? "frames-jpeg" : "frames-raw" + side;
    }

    String label() {
        return format.equals("jpeg") ? "JPEG 640x480" : "raw RGB " + side + "x" + side;
    }

    double meanBytes() {
        return pictures.stream().mapToInt(b -> b.length).average().orElse(0);
    }

    static FrameSet jpeg(Path images) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String photo : PHOTOS) {
            out.add(encodeJpeg(camera(images.resolve(photo)), 0.85f));
        }
        return new FrameSet("jpeg", 0, "image/jpeg", out);
    }

    static FrameSet raw(Path images, int side) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String photo : PHOTOS) {
            BufferedImage scaled = scale(camera(images.resolve(photo)), 0, 0, WIDTH, HEIGHT, side, side);
            byte[] bgr = ((DataBufferByte) scaled.getRaster().getDataBuffer()).getData(); // (side, side, 3) B,G,R
            byte[] rgb = new byte[bgr.length];
            for (int i = 0; i < bgr.length; i += 3) {
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
            out.add(rgb);
        }
        return new FrameSet("raw", side, "application/x-rgb24", out);
    }

    /** The photo as a 640x480 camera picture: the largest central 4:3 region, scaled. */
    private static BufferedImage camera(Path photo) throws IOException {
        BufferedImage src = ImageIO.read(photo.toFile());
        if (src == null) {
            throw new IOException("cannot read " + photo);
        }
        int w = src.getWidth(), h = src.getHeight();
        int cw = Math.min(w, h * 4 / 3), ch = Math.min(h, w * 3 / 4);
        return scale(src, (w - cw) / 2, (h - ch) / 2, cw, ch, WIDTH, HEIGHT);
    }

    private static BufferedImage scale(BufferedImage src, int x, int y, int w, int h, int outW, int outH) {
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, outW, outH, x, y, x + w, y + h, null);
        g.dispose();
        return out;
    }

    private static byte[] encodeJpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
