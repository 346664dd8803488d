package org.flinkmobilenet.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Rows with named columns, written to and read back from CSV, so the report can be made again from
 * the files of a run ({@code scaling.sh --report DIR}) without measuring anything.
 */
final class Table {

    private final List<String> columns;
    private final List<Map<String, String>> rows = new ArrayList<>();

    Table(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    List<String> columns() {
        return columns;
    }

    List<Map<String, String>> rows() {
        return rows;
    }

    /** Adds a row from name/value pairs; every column must be given. Numbers are formatted with a dot. */
    synchronized Map<String, String> add(Object... pairs) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            row.put((String) pairs[i], format(pairs[i + 1]));
        }
        if (!row.keySet().equals(new java.util.LinkedHashSet<>(columns))) {
            throw new IllegalArgumentException("row " + row.keySet() + " does not match columns " + columns);
        }
        rows.add(row);
        return row;
    }

    static String format(Object v) {
        if (v instanceof Double d) {
            return Double.isNaN(d) ? "" : String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.1f" : "%.4g", d);
        }
        if (v instanceof Float f) {
            return format(f.doubleValue());
        }
        return v == null ? "" : v.toString();
    }

    /** A table of the rows that satisfy {@code p} (the same row objects). */
    Table filtered(Predicate<Map<String, String>> p) {
        Table t = new Table(columns);
        t.rows.addAll(where(p));
        return t;
    }

    List<Map<String, String>> where(Predicate<Map<String, String>> p) {
        return rows.stream().filter(p).toList();
    }

    static double num(Map<String, String> row, String column) {
        String v = row.get(column);
        return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    static double max(List<Map<String, String>> rows, String column) {
        return rows.stream().mapToDouble(r -> num(r, column)).filter(x -> !Double.isNaN(x)).max().orElse(0);
    }

    void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(String.join(",", columns)).append('\n');
        for (Map<String, String> row : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) {
                String v = row.get(c);
                cells.add(v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
            }
            sb.append(String.join(",", cells)).append('\n');
        }
        Files.writeString(file, sb);
    }

    static Table read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        Table t = new Table(split(lines.get(0)));
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = split(line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < t.columns.size(); i++) {
                row.put(t.columns.get(i), i < cells.size() ? cells.get(i) : "");
            }
            t.rows.add(row);
        }
        return t;
    }

    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString());
        return out;
    }
}
