package org.flinkmobilenet.cli;

import java.util.Arrays;
import java.util.Locale;

/** Median and spread of a set of measurements (milliseconds, GFLOP/s ...). */
record Stats(double median, double p10, double p90, double min, double max, int n) {

    static Stats of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] s = samples.clone();
        Arrays.sort(s);
        return new Stats(quantile(s, 0.5), quantile(s, 0.1), quantile(s, 0.9), s[0], s[s.length - 1], s.length);
    }

    /** Linear interpolation between the closest ranks. */
    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** "12.34 (p10 11.90, p90 13.10)". */
    String format(int decimals) {
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " (p10 " + f + ", p90 " + f + ")", median, p10, p90);
    }
}
