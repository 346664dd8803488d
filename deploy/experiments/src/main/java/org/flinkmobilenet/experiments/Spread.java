package org.flinkmobilenet.experiments;

import java.util.List;
import java.util.Locale;

/** Median and range of the repeats of one point. */
record Spread(double median, double min, double max, int n) {

    static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, 0);

    static Spread of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(x -> !Double.isNaN(x)).toArray();
        return v.length == 0 ? NONE : new Spread(Stats.median(v), Stats.min(v), Stats.max(v), v.length);
    }

    boolean present() {
        return n > 0;
    }

    /** "171.2 (165.0-174.3)", or the median alone for a single value, or "-". */
    String show(String format) {
        if (!present()) {
            return "–";
        }
        String m = String.format(Locale.ROOT, format, median);
        return n == 1 || min == max ? m : m + " (" + String.format(Locale.ROOT, format, min) + "–"
                + String.format(Locale.ROOT, format, max) + ")";
    }
}
