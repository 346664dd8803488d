package org.flinkmobilenet.experiments;

import java.util.Arrays;
import java.util.Collection;

/** Median, spread and quantiles of small samples. NaN values (failed repeats) are left out. */
final class Stats {

    private Stats() {}

    /** The {@code q} quantile, nearest rank (the value below which a fraction {@code q} of the sample lies). */
    static double quantile(double[] values, double q) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, rank))];
    }

    static double quantile(long[] values, double q) {
        return quantile(Arrays.stream(values).asDoubleStream().toArray(), q);
    }

    static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double median(Collection<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double min(double[] values) {
        return Arrays.stream(values).filter(x -> !Double.isNaN(x)).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return Arrays.stream(values).filter(x -> !Double.isNaN(x)).max().orElse(Double.NaN);
    }

    /** Least-squares slope of y over x; NaN with fewer than two points. */
    static double slope(double[] x, double[] y) {
        int n = x.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mx = Arrays.stream(x).average().orElse(0), my = Arrays.stream(y).average().orElse(0);
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }
}
