package org.flinkmobilenet.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Plots and summary of a results folder, from its files alone ({@code scaling.sh --report DIR}). */
final class Report {

    private Report() {}

    static void write(Path dir) throws IOException {
        Results r = new Results(dir);
        List<String> plots = Plots.write(r);
        Files.writeString(dir.resolve("summary.md"), new Summary(r, plots).markdown());
    }

    /** The batch size with the highest median frames/s for (model, format, setup); 1 if nothing was measured. */
    static int bestBatch(Results r, String model, String format, String setup) {
        int best = 1;
        double fps = -1;
        for (int b : r.batches()) {
            Spread s = r.point(model, format, setup, b, "fps");
            if (s.present() && s.median() > fps) {
                fps = s.median();
                best = b;
            }
        }
        return best;
    }
}
