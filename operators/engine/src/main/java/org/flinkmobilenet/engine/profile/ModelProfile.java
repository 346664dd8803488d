package org.flinkmobilenet.engine.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flinkmobilenet.engine.CompiledLayer;
import org.flinkmobilenet.engine.CompiledModel;
import org.flinkmobilenet.engine.Engine;
import org.flinkmobilenet.engine.WarmUp;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.LayerKind;
import org.flinkmobilenet.engine.graph.Node;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.util.Json;

/**
 * The per-layer table of the MobileNet paper, computed by the engine from the network it runs:
 * output shape, multiply-adds and parameters of every layer, its measured time, the totals and each
 * layer type's share. Parameters are weights only, as the paper counts them; biases are listed apart.
 */
public final class ModelProfile {

    public record Row(String name, LayerKind kind, Shape output, long macs, long params, long biases, double ms) {}

    public record Share(double macs, double params, double time) {}

    private final String model;
    private final String kernels;
    private final List<Row> rows;
    private final int runs;

    private ModelProfile(String model, String kernels, List<Row> rows, int runs) {
        this.model = model;
        this.kernels = kernels;
        this.rows = List.copyOf(rows);
        this.runs = runs;
    }

    /**
     * Measures each layer's time as the median over {@code runs} single-frame runs, after a
     * {@link WarmUp} and {@code warmup} more runs that are not counted. With {@code runs == 0} no time
     * is measured.
     */
    public static ModelProfile measure(CompiledModel compiled, int warmup, int runs) {
        Graph g = compiled.graph();
        List<CompiledLayer> layers = compiled.layers();
        double[] layerMs = new double[g.nodes().size()];
        Arrays.fill(layerMs, runs > 0 ? 0 : Double.NaN);
        if (runs > 0) {
            Engine engine = compiled.newEngine(1);
            long[][] nanos = new long[runs][layers.size()];
            WarmUp.run(engine, 30_000);
            for (int r = 0; r < warmup; r++) {
                engine.run(1);
            }
            for (int r = 0; r < runs; r++) {
                engine.runTimed(1, nanos[r]);
            }
            for (int l = 0; l < layers.size(); l++) {
                long[] samples = new long[runs];
                for (int r = 0; r < runs; r++) {
                    samples[r] = nanos[r][l];
                }
                layerMs[layers.get(l).nodeIndex()] = median(samples) / 1e6;
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < g.nodes().size(); i++) {
            Node n = g.nodes().get(i);
            rows.add(new Row(n.name(), g.kindOf(i), g.shapeOf(n.output()), g.macs(n), n.weightCount(), n.biasCount(),
                    layerMs[i]));
        }
        return new ModelProfile(g.name(), compiled.kernels().name(), rows, runs);
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    public List<Row> rows() {
        return rows;
    }

    public long totalMacs() {
        return rows.stream().mapToLong(Row::macs).sum();
    }

    public long totalParams() {
        return rows.stream().mapToLong(Row::params).sum();
    }

    public long totalBiases() {
        return rows.stream().mapToLong(Row::biases).sum();
    }

    public double totalMs() {
        return rows.stream().mapToDouble(Row::ms).sum();
    }

    /** Each layer type's fraction of multiply-adds, parameters and time (types present only). */
    public Map<LayerKind, Share> shares() {
        long macs = totalMacs(), params = totalParams();
        double ms = totalMs();
        Map<LayerKind, Share> out = new EnumMap<>(LayerKind.class);
        for (LayerKind kind : LayerKind.values()) {
            long m = 0, p = 0;
            double t = 0;
            boolean present = false;
            for (Row r : rows) {
                if (r.kind() == kind) {
                    present = true;
                    m += r.macs();
                    p += r.params();
                    t += r.ms();
                }
            }
            if (present) {
                out.put(kind, new Share(fraction(m, macs), fraction(p, params), ms > 0 ? t / ms : Double.NaN));
            }
        }
        return out;
    }

    private static double fraction(double part, double whole) {
        return whole == 0 ? 0 : part / whole;
    }

    public String toJson() {
        StringBuilder b = new StringBuilder();
        b.append("{\"model\": ").append(Json.quote(model))
                .append(", \"kernels\": ").append(Json.quote(kernels))
                .append(", \"runs\": ").append(runs)
                .append(", \"layers\": [");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(i == 0 ? "" : ", ")
                    .append("{\"name\": ").append(Json.quote(r.name()))
                    .append(", \"type\": ").append(Json.quote(r.kind().label))
                    .append(", \"output\": [").append(r.output().h()).append(", ").append(r.output().w())
                    .append(", ").append(r.output().c()).append(']')
                    .append(", \"macs\": ").append(r.macs())
                    .append(", \"params\": ").append(r.params())
                    .append(", \"biases\": ").append(r.biases())
                    .append(", \"ms\": ").append(Json.number(r.ms(), 4)).append('}');
        }
        b.append("], \"total\": {\"macs\": ").append(totalMacs())
                .append(", \"params\": ").append(totalParams())
                .append(", \"biases\": ").append(totalBiases())
                .append(", \"ms\": ").append(Json.number(totalMs(), 4)).append("}, \"share\": {");
        boolean first = true;
        for (Map.Entry<LayerKind, Share> e : shares().entrySet()) {
            b.append(first ? "" : ", ").append(Json.quote(e.getKey().label))
                    .append(": {\"macs\": ").append(Json.number(e.getValue().macs(), 6))
                    .append(", \"params\": ").append(Json.number(e.getValue().params(), 6))
                    .append(", \"time\": ").append(Json.number(e.getValue().time(), 6)).append('}');
            first = false;
        }
        return b.append("}}").toString();
    }

    public String toTable() {
        StringBuilder b = new StringBuilder();
        b.append("model: ").append(model).append("   kernels: ").append(kernels)
                .append("   time: median of ").append(runs).append(" runs, batch 1\n");
        b.append(String.format(Locale.ROOT, "%-44s %-10s %-14s %14s %11s %9s%n",
                "layer", "type", "output", "mult-adds", "params", "ms"));
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%-44s %-10s %-14s %,14d %,11d %9s%n",
                    abbreviate(r.name(), 44), r.kind().label, r.output(), r.macs(), r.params(), ms(r.ms())));
        }
        b.append(String.format(Locale.ROOT, "%-44s %-10s %-14s %,14d %,11d %9s%n",
                "total", "", "", totalMacs(), totalParams(), ms(totalMs())));
        b.append(String.format(Locale.ROOT, "%ntotal: %.1f M mult-adds, %.2f M parameters (+%,d biases)%n",
                totalMacs() / 1e6, totalParams() / 1e6, totalBiases()));
        b.append(String.format(Locale.ROOT, "%-10s %10s %10s %10s%n", "type", "mult-adds", "params", "time"));
        for (Map.Entry<LayerKind, Share> e : shares().entrySet()) {
            b.append(String.format(Locale.ROOT, "%-10s %9.2f%% %9.2f%% %10s%n", e.getKey().label,
                    100 * e.getValue().macs(), 100 * e.getValue().params(),
                    Double.isNaN(e.getValue().time()) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * e.getValue().time())));
        }
        return b.toString();
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
    }
}
