package org.flinkmobilenet.experiments;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** The PNG figures of a run (JFreeChart), made from its CSV files. Returns the file names written. */
final class Plots {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};
    private static final BasicStroke SOLID = new BasicStroke(2f);
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);

    private Plots() {}

    static List<String> write(Results r) throws IOException {
        List<String> files = new ArrayList<>();
        for (String model : r.models()) {
            for (String format : r.formats()) {
                files.add(fpsVsBatch(r, model, format));
            }
        }
        for (String format : r.formats()) {
            files.add(fpsVsParallelism(r, format));
        }
        if (!r.points.rows().isEmpty()) {
            files.add(latencyAtGridLoad(r));
        }
        if (!r.load.rows().isEmpty()) {
            files.add(latencyVsLoad(r));
        }
        return files;
    }

    /** Frames/s against batch size: the job in each slot setup, and the engine alone on the same input. */
    private static String fpsVsBatch(Results r, String model, String format) throws IOException {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<BasicStroke> strokes = new ArrayList<>();
        for (String setup : r.setups()) {
            YIntervalSeries s = new YIntervalSeries("job " + label(setup));
            for (int b : r.batches()) {
                add(s, b, r.point(model, format, setup, b, "fps"));
            }
            data.addSeries(s);
            strokes.add(SOLID);
        }
        for (int threads : List.of(1, 2)) {
            YIntervalSeries s = new YIntervalSeries("engine alone, " + threads + " thread" + (threads > 1 ? "s" : "")
                    + " (" + (format.equals("jpeg") ? "JPEG decode + " : "raw + ") + "inference)");
            for (int b : r.batches()) {
                add(s, b, r.engine(model, format, threads, b, "fps"));
            }
            if (s.getItemCount() > 0) {
                data.addSeries(s);
                strokes.add(DASHED);
            }
        }
        NumberAxis x = new NumberAxis("batch size (frames per engine run)");
        x.setTickUnit(new NumberTickUnit(1));
        NumberAxis y = new NumberAxis("frames/s (median, bars: min-max of repeats)");
        y.setAutoRangeIncludesZero(true);
        String file = "fps_vs_batch_" + model + "_" + format + ".png";
        save(r.dir.resolve(file), model + ", " + (format.equals("jpeg") ? "640x480 JPEG" : "raw RGB at model size")
                + ": frames/s by batch size", data, strokes, x, y, true, false);
        return file;
    }

    /** Frames/s at 1 and 2 slots for each model at its best batch size, with the ideal (2x) dashed. */
    private static String fpsVsParallelism(Results r, String format) throws IOException {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<BasicStroke> strokes = new ArrayList<>();
        for (String model : r.models()) {
            int best = Report.bestBatch(r, model, format, "p2-1x2");
            Spread p1 = r.point(model, format, "p1", best, "fps");
            YIntervalSeries s = new YIntervalSeries(model + " b" + best + " (1 TM x 2 slots)");
            add(s, 1, p1);
            add(s, 2, r.point(model, format, "p2-1x2", best, "fps"));
            YIntervalSeries ideal = new YIntervalSeries(model + " ideal (2 x p1)");
            if (p1.present()) {
                ideal.add(1, p1.median(), p1.median(), p1.median());
                ideal.add(2, 2 * p1.median(), 2 * p1.median(), 2 * p1.median());
            }
            data.addSeries(s);
            strokes.add(SOLID);
            data.addSeries(ideal);
            strokes.add(DASHED);
        }
        NumberAxis x = new NumberAxis("parallelism (slots, on 2 cores)");
        x.setTickUnit(new NumberTickUnit(1));
        x.setRange(0.8, 2.2);
        LogAxis y = logAxis("frames/s (log scale)");
        String file = "fps_vs_parallelism_" + format + ".png";
        save(r.dir.resolve(file), (format.equals("jpeg") ? "640x480 JPEG" : "raw RGB") + ": frames/s by parallelism",
                data, strokes, x, y, true, true);
        return file;
    }

    /** Every grid point's latency at its paced load (a fraction of its own saturation), against that load. */
    private static String latencyAtGridLoad(Results r) throws IOException {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<BasicStroke> strokes = new ArrayList<>();
        for (String model : r.models()) {
            YIntervalSeries s = new YIntervalSeries(model + ": p50, bar up to p99");
            for (Map<String, String> row : r.points.where(x -> x.get("model").equals(model) && x.get("error").isEmpty())) {
                double fps = Table.num(row, "offered_fps"), p50 = Table.num(row, "latency_p50_ms"),
                        p99 = Table.num(row, "latency_p99_ms");
                if (!Double.isNaN(p50)) {
                    s.add(fps, p50, p50, p99);
                }
            }
            data.addSeries(s);
            strokes.add(SOLID);
        }
        LogAxis x = logAxis("offered load (frames/s, log scale)");
        LogAxis y = logAxis("camera-to-label latency, ms (log scale)");
        String file = "latency_at_grid_load.png";
        save(r.dir.resolve(file), "Latency of every grid point at " + Math.round(100 * Table.num(r.points.rows().get(0), "load"))
                + " % of its saturation", data, strokes, x, y, false, false);
        return file;
    }

    /** The sweep: latency p50 and p99 against offered load, per batch size. */
    private static String latencyVsLoad(Results r) throws IOException {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<BasicStroke> strokes = new ArrayList<>();
        List<String> batches = r.load.rows().stream().map(x -> x.get("batch")).distinct().toList();
        for (String b : batches) {
            for (String q : List.of("p50", "p99")) {
                YIntervalSeries s = new YIntervalSeries("batch " + b + " " + q);
                for (Map<String, String> row : r.load.where(x -> x.get("batch").equals(b))) {
                    double v = Table.num(row, "latency_" + q + "_ms");
                    if (!Double.isNaN(v)) {
                        s.add(Table.num(row, "offered_fps"), v, v, v);
                    }
                }
                data.addSeries(s);
                strokes.add(q.equals("p50") ? SOLID : DASHED);
            }
        }
        Map<String, String> first = r.load.rows().get(0);
        NumberAxis x = new NumberAxis("offered load (frames/s); the job's saturation is the 100 % point");
        LogAxis y = logAxis("camera-to-label latency, ms (log scale)");
        String file = "latency_vs_load.png";
        save(r.dir.resolve(file), first.get("model") + ", " + first.get("format") + ", 2 slots: latency against load",
                data, strokes, x, y, true, true);
        return file;
    }

    private static void add(YIntervalSeries s, double x, Spread v) {
        if (v.present()) {
            s.add(x, v.median(), v.min(), v.max());
        }
    }

    private static String label(String setup) {
        return switch (setup) {
            case "p1" -> "1 slot";
            case "p2-1x2" -> "2 slots, 1 TM x 2";
            default -> "2 slots, 2 TMs x 1";
        };
    }

    /** Draws and writes one chart; with {@code pairColors} series 2k and 2k+1 (a line and its companion) share a colour. */
    private static void save(Path file, String title, YIntervalSeriesCollection data, List<BasicStroke> strokes,
                             org.jfree.chart.axis.ValueAxis x, org.jfree.chart.axis.ValueAxis y, boolean lines,
                             boolean pairColors) throws IOException {
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDefaultLinesVisible(lines);
        renderer.setDefaultShapesVisible(true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            Color c = COLORS[(pairColors ? i / 2 : i) % COLORS.length];
            renderer.setSeriesPaint(i, c);
            renderer.setSeriesStroke(i, strokes.get(i));
            renderer.setSeriesLinesVisible(i, lines);
        }
        renderer.setErrorPaint(Color.GRAY);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 560);
    }

    /** A log axis whose ticks read as plain numbers (120, 250) instead of powers of ten (10^2.08). */
    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
        axis.setSmallestValue(0.1);
        return axis;
    }
}
