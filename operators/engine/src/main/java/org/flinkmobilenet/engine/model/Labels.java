package org.flinkmobilenet.engine.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Class names for a model's outputs. Handles the two ImageNet conventions: 1001 outputs with
 * "background" at 0, or 1000 outputs; a 1000-line list also serves a 1001-class model (shifted by one),
 * and a 1001-line list starting with "background" serves a 1000-class model.
 */
public final class Labels {

    private final String[] names; // (classes) label of each output index

    private Labels(String[] names) {
        this.names = names;
    }

    public static List<String> parse(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            String t = line.strip();
            if (!t.isEmpty()) {
                lines.add(t);
            }
        }
        return lines;
    }

    public static List<String> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Fits a label list to a model's class count, or explains why it cannot. */
    public static Labels forClasses(List<String> lines, int classes, String source) throws ModelLoadException {
        String[] names = new String[classes];
        if (lines.size() == classes) {
            lines.toArray(names);
        } else if (lines.size() == classes - 1) {
            names[0] = "background";
            for (int i = 1; i < classes; i++) {
                names[i] = lines.get(i - 1);
            }
        } else if (lines.size() == classes + 1 && lines.get(0).toLowerCase().contains("background")) {
            for (int i = 0; i < classes; i++) {
                names[i] = lines.get(i + 1);
            }
        } else {
            throw new ModelLoadException(source + ": " + lines.size() + " labels do not fit a model with "
                    + classes + " outputs");
        }
        return new Labels(names);
    }

    /** Labels "class_0".."class_{n-1}" for models that come without any. */
    public static Labels numbered(int classes) {
        String[] names = new String[classes];
        for (int i = 0; i < classes; i++) {
            names[i] = "class_" + i;
        }
        return new Labels(names);
    }

    public String get(int index) {
        return names[index];
    }

    public int size() {
        return names.length;
    }
}
