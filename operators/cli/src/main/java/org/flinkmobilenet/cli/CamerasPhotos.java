package org.flinkmobilenet.cli;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The pictures the simulated cameras film: shipped photos re-encoded as JPEG the way a camera
 * gateway would send them (longest side at most {@code maxSide}, baseline JPEG), each with the
 * ImageNet class upstream tests expect for it, when one is known.
 */
final class CamerasPhotos {

    /**
     * Photos in test-images/ whose top-1 class is known (models/UPSTREAM-README.md), with the first
     * name of that class. Classes are compared by name, so a 1000-class model checks as well as a
     * 1001-class one.
     */
    static final Map<String, String> KNOWN = knownClasses();

    /** A camera frame ready to send. {@code expectedLabel} is null when the photo's class is unknown. */
    record Photo(String name, byte[] jpeg, int width, int height, String expectedLabel) {}

    private CamerasPhotos() {}

    private static Map<String, String> knownClasses() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("coral_cat.bmp", "Egyptian cat");
        m.put("coral_bird.bmp", "chickadee");
        m.put("tflite-support_grace_hopper.jpg", "military uniform");
        m.put("tflite-support_burger.jpg", "cheeseburger");
        m.put("coral_parrot.jpg", "macaw");
        m.put("coral_dragonfly.bmp", "dragonfly");
        m.put("coral_hot_dog.jpg", "hotdog");
        m.put("coral_missvickie_potato_chips.bmp", "packet");
        m.put("coral_grace_hopper.bmp", "military uniform");
        return Map.copyOf(m);
    }

    /** The default set: every photo with a known class, in a fixed order. */
    static List<Path> defaultFiles(Path imagesDir) {
        return List.of("coral_cat.bmp", "coral_bird.bmp", "tflite-support_grace_hopper.jpg", "tflite-support_burger.jpg",
                "coral_parrot.jpg", "coral_dragonfly.bmp", "coral_hot_dog.jpg", "coral_missvickie_potato_chips.bmp",
                "coral_grace_hopper.bmp").stream().map(imagesDir::resolve).toList();
    }

    /**
     * The repository's test-images/ folder: under the working directory if it is there, else next to
     * the CLI jar (operators/cli/target/ is three levels below the repository root).
     */
    static Path defaultImagesDir() {
        Path here = Path.of("test-images");
        if (Files.isDirectory(here)) {
            return here;
        }
        try {
            Path jar = Path.of(CamerasPhotos.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            root = root == null ? null : root.getParent() == null ? null : root.getParent().getParent();
            if (root != null && Files.isDirectory(root.resolve("test-images"))) {
                return root.resolve("test-images");
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the working directory
        }
        return here;
    }

    static List<Photo> load(List<Path> files, int maxSide, float quality) throws IOException {
        List<Photo> photos = new ArrayList<>();
        for (Path f : files) {
            BufferedImage image = ImageIO.read(f.toFile());
            if (image == null) {
                throw new IOException("not an image Java can read: " + f);
            }
            BufferedImage rgb = scaled(image, maxSide);
            String name = f.getFileName().toString();
            photos.add(new Photo(name, jpeg(rgb, quality), rgb.getWidth(), rgb.getHeight(), KNOWN.get(name)));
        }
        return photos;
    }

    /** Opaque RGB (JPEG has no alpha), longest side at most {@code maxSide}, bilinear. */
    static BufferedImage scaled(BufferedImage image, int maxSide) {
        int w = image.getWidth(), h = image.getHeight();
        double f = Math.min(1.0, maxSide / (double) Math.max(w, h));
        int sw = Math.max(1, (int) Math.round(w * f)), sh = Math.max(1, (int) Math.round(h * f));
        BufferedImage out = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, sw, sh, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    static byte[] jpeg(BufferedImage rgb, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, new IIOImage(rgb, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** True if a label's class name is the expected one: first synonym, case and '_' ignored. */
    static boolean sameClass(String label, String expected) {
        return label != null && expected != null && firstName(label).equals(firstName(expected));
    }

    private static String firstName(String label) {
        int comma = label.indexOf(',');
        return (comma < 0 ? label : label.substring(0, comma)).replace('_', ' ').strip().toLowerCase(Locale.ROOT);
    }
}
