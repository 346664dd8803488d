package org.flinkmobilenet.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

/** The files of one run, read back, with the look-ups the report needs (medians over repeats). */
final class Results {

    final Path dir;
    final Properties info = new Properties();
    /** Only the attempts that count (see {@link Columns}); {@link #allEngine} and {@link #allPoints} have every one. */
    final Table engine;
    final Table engineHeap;
    final Table points;
    final Table load;
    final Table allEngine;
    final Table allPoints;
    /** The classify threads' profile of every profiled attempt ({@code --profile}); empty without. */
    final Table allProfiles;

    Results(Path dir) throws IOException {
        this.dir = dir;
        if (Files.exists(dir.resolve("run.properties"))) {
            try (var r = Files.newBufferedReader(dir.resolve("run.properties"))) {
                info.load(r);
            }
        }
        allEngine = read(dir.resolve("engine.csv"), Columns.ENGINE);
        engineHeap = read(dir.resolve("engine-heap.csv"), Columns.ENGINE_HEAP);
        allPoints = read(dir.resolve("points.csv"), Columns.POINTS);
        engine = allEngine.filtered(r -> "true".equals(r.get("counted")));
        points = allPoints.filtered(r -> "true".equals(r.get("counted")));
        load = read(dir.resolve("load.csv"), Columns.LOAD);
        allProfiles = read(dir.resolve("profile.csv"), Columns.PROFILE);
    }

    /** A profile column of the pipeline point over the repeats whose attempt counts (see {@link Columns}). */
    Spread profile(String model, String format, String setup, int batch, String column) {
        return spread(allProfiles, x -> x.get("model").equals(model) && x.get("format").equals(format)
                && x.get("setup").equals(setup) && Table.num(x, "batch") == batch && counted(x), column);
    }

    /** The columns that name one attempt at one point, in both points.csv and profile.csv. */
    private static final List<String> ATTEMPT = List.of("repeat", "attempt", "model", "format", "setup", "batch");

    private boolean counted(Map<String, String> profileRow) {
        return points.rows().stream().anyMatch(p -> ATTEMPT.stream().allMatch(k -> p.get(k).equals(profileRow.get(k))));
    }

    private static Table read(Path file, List<String> columns) throws IOException {
        return Files.exists(file) ? Table.read(file) : new Table(columns);
    }

    /** A column of the pipeline point (model, format, setup, batch) over its repeats, failed repeats left out. */
    Spread point(String model, String format, String setup, int batch, String column) {
        return spread(points, r -> r.get("model").equals(model) && r.get("format").equals(format)
                && r.get("setup").equals(setup) && Table.num(r, "batch") == batch && r.get("error").isEmpty(), column);
    }

    /** A column of the engine-only measurement (model, mode, threads, batch) over its repeats. */
    Spread engine(String model, String mode, int threads, int batch, String column) {
        return spread(engine, r -> r.get("model").equals(model) && r.get("mode").equals(mode)
                && Table.num(r, "threads") == threads && Table.num(r, "batch") == batch, column);
    }

    static Spread spread(Table t, Predicate<Map<String, String>> where, String column) {
        return Spread.of(t.where(where).stream().map(r -> Table.num(r, column)).toList());
    }

    List<String> models() {
        return distinct(points, "model", distinct(engine, "model", List.of()));
    }

    List<String> formats() {
        return distinct(points, "format", List.of());
    }

    List<Integer> batches() {
        List<String> b = distinct(points, "batch", distinct(engine, "batch", List.of()));
        return b.stream().map(Integer::parseInt).sorted().toList();
    }

    List<String> setups() {
        return Settings.SETUPS.stream().filter(s -> points.rows().stream().anyMatch(r -> r.get("setup").equals(s))).toList();
    }

    int repeats() {
        return (int) Math.max(Table.max(points.rows(), "repeat"), Table.max(engine.rows(), "repeat"));
    }

    private static List<String> distinct(Table t, String column, List<String> orElse) {
        List<String> out = t.rows().stream().map(r -> r.get(column)).distinct().toList();
        return out.isEmpty() ? orElse : out;
    }

    String info(String key) {
        return info(key, "unknown");
    }

    /** A run property, or {@code absent} for result sets written before it was recorded. */
    String info(String key, String absent) {
        return info.getProperty(key, absent);
    }
}
