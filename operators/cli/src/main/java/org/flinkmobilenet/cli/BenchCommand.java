package org.flinkmobilenet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.flinkmobilenet.engine.CompiledLayer;
import org.flinkmobilenet.engine.CompiledModel;
import org.flinkmobilenet.engine.WarmUp;
import org.flinkmobilenet.engine.builder.MobileNetV1Builder;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.LayerKind;
import org.flinkmobilenet.engine.kernels.FmaPeak;
import org.flinkmobilenet.engine.kernels.KernelSelector;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.flinkmobilenet.engine.util.Json;

/**
 * {@code ./mobilenet bench}: the engine's speed, measured in one run on this machine, next to the
 * machine's own FMA ceiling and (with {@code --vs-onnxruntime}) ONNX Runtime on the same network.
 * Medians with p10/p90 spread; nothing here is a test.
 */
final class BenchCommand {

    static final String HELP = """
            usage: ./mobilenet bench [--arch mobilenet_v1 --alpha A --resolution R | --model FILE[,FILE]] [options]

              --arch, --alpha, --resolution  the built-in MobileNet v1 (default 1.0/224, synthetic weights)
              --model FILE[,FILE]            a TFLite model instead
              --vs-onnxruntime               also run ONNX Runtime (1 intra-op thread) on the same network
              --sections LIST                comma list of: peak, layers, network, onnxruntime, grid,
                                             standard, batch, first-frame (default: all; onnxruntime only
                                             with --vs-onnxruntime)
              --runs N                       timed frames for the whole network (default 300)
              --format table|json            (default table); json prints one object, its keys include
                                             ms_per_frame, fps, onnxruntime_ms_per_frame, speedup_vs_onnxruntime

            Single thread throughout. Prints the CPU, the JVM and the vector width with the figures.
            """;

    private static final List<String> ALL_SECTIONS =
            List.of("peak", "layers", "network", "onnxruntime", "grid", "standard", "batch", "first-frame");

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private boolean table = true;

    BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) throws IOException, InterruptedException {
        Args args = new Args(argv, 0, Set.of("help", "vs-onnxruntime"));
        if (args.flag("help")) {
            out.print(HELP);
            return 0;
        }
        String arch = args.get("arch", "mobilenet_v1");
        double alpha = args.getDouble("alpha", 1.0);
        int resolution = args.getInt("resolution", 224);
        String modelSpec = args.get("model", null);
        boolean vsOrt = args.flag("vs-onnxruntime");
        String sectionList = args.get("sections", String.join(",", ALL_SECTIONS));
        int runs = args.getInt("runs", 300);
        String format = args.get("format", "table");
        args.rejectUnknown();
        if (!arch.equals("mobilenet_v1")) {
            throw new Args.UsageException("unknown --arch '" + arch + "' (known: mobilenet_v1)");
        }
        if (!format.equals("table") && !format.equals("json")) {
            throw new Args.UsageException("--format must be table or json");
        }
        if (runs < 10) {
            throw new Args.UsageException("--runs must be at least 10");
        }
        List<String> sections = Arrays.stream(sectionList.split(",")).map(String::strip).toList();
        for (String s : sections) {
            if (!ALL_SECTIONS.contains(s)) {
                throw new Args.UsageException("unknown section '" + s + "'; known: " + ALL_SECTIONS);
            }
        }
        if (sections.contains("onnxruntime") && !vsOrt && !sectionList.equals(String.join(",", ALL_SECTIONS))) {
            vsOrt = true; // asked for by name
        }
        table = format.equals("table");
        Graph graph;
        try {
            graph = modelSpec != null ? ModelFiles.load(modelSpec)
                    : new MobileNetV1Builder().alpha(alpha).resolution(resolution).build();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        CompiledModel model = CompiledModel.compile(graph);

        put("cpu", cpuName());
        put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        put("kernels", model.kernels().name());
        put("model", graph.name());
        line("bench: %s on %s, %s, kernels %s, one thread", graph.name(), json.get("cpu"), json.get("java"),
                model.kernels().name());

        double peak = Double.NaN;
        if (sections.contains("peak") || sections.contains("layers")) {
            peak = peak();
        }
        if (sections.contains("layers")) {
            // one layer per node, so depthwise and pointwise layers are timed apart
            layers(CompiledModel.compile(graph, model.kernels(), false), peak);
        }
        Stats network = null;
        if (sections.contains("network") || (vsOrt && sections.contains("onnxruntime"))) {
            network = network(model, runs);
        }
        if (vsOrt && sections.contains("onnxruntime")) {
            onnxRuntime(graph, model, runs);
        }
        if (sections.contains("grid") && modelSpec == null) {
            grid(Math.max(50, runs / 3));
        }
        if (sections.contains("standard") && modelSpec == null) {
            standard(alpha, resolution, network != null ? network : Stats.of(new NetworkTimer(model, 1).time(runs)));
        }
        if (sections.contains("batch")) {
            batch(graph, runs);
        }
        if (sections.contains("first-frame")) {
            firstFrame(argsFor(modelSpec, alpha, resolution), network);
        }
        if (!table) {
            out.println(toJson(json));
        }
        return 0;
    }

    // ---------------------------------------------------------------- sections

    private double peak() {
        Stats s = Stats.of(FmaPeak.measure(9, 150));
        put("vector_bits", FmaPeak.vectorBits());
        put("fma_peak_gflops", stats(s));
        line("FMA peak (%d-bit vectors, 16 independent chains): %s GFLOP/s", FmaPeak.vectorBits(), s.format(1));
        return s.median();
    }

    private void layers(CompiledModel model, double peak) {
        NetworkTimer timer = new NetworkTimer(model, 1);
        int runs = 60;
        long[][] nanos = timer.timeLayers(runs);
        List<CompiledLayer> layers = model.layers();
        double[] medianMs = new double[layers.size()];
        List<Map<String, Object>> rows = new ArrayList<>();
        line("%nper layer, unfused (median of %d single-frame runs):", runs);
        line("%-26s %-9s %-14s %12s %22s %9s %8s", "layer", "type", "kernel", "mult-adds", "ms (p10, p90)",
                "GFLOP/s", "% peak");
        Map<LayerKind, double[]> perKind = new LinkedHashMap<>(); // (sum of % of peak, count)
        for (int l = 0; l < layers.size(); l++) {
            double[] samples = new double[runs];
            for (int r = 0; r < runs; r++) {
                samples[r] = nanos[r][l] / 1e6;
            }
            Stats s = Stats.of(samples);
            medianMs[l] = s.median();
            CompiledLayer layer = layers.get(l);
            double gflops = layer.macs() > 0 ? 2.0 * layer.macs() / (s.median() * 1e6) : Double.NaN;
            double percent = 100 * gflops / peak;
            line("%-26s %-9s %-14s %,12d %22s %9s %8s", abbreviate(layer.name(), 26), layer.kind().label,
                    abbreviate(layer.kernel().name(), 14), layer.macs(), s.format(3), num(gflops, 1), num(percent, 1));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", layer.name());
            row.put("type", layer.kind().label);
            row.put("kernel", layer.kernel().name());
            row.put("macs", layer.macs());
            row.put("ms", stats(s));
            row.put("gflops", gflops);
            row.put("percent_of_peak", percent);
            rows.add(row);
            if (layer.macs() > 0) {
                double[] acc = perKind.computeIfAbsent(layer.kind(), k -> new double[2]);
                acc[0] += percent;
                acc[1]++;
            }
        }
        put("layers", rows);
        Map<String, Object> averages = new LinkedHashMap<>();
        line("");
        for (var e : perKind.entrySet()) {
            double avg = e.getValue()[0] / e.getValue()[1];
            averages.put(e.getKey().label, avg);
            line("%-10s layers average %5.1f %% of the FMA peak", e.getKey().label, avg);
        }
        put("percent_of_peak_by_type", averages);

        // share of time next to share of multiply-adds (the paper's table)
        double totalMs = Arrays.stream(medianMs).sum();
        long totalMacs = layers.stream().mapToLong(CompiledLayer::macs).sum();
        Map<LayerKind, double[]> share = new LinkedHashMap<>();
        for (int l = 0; l < layers.size(); l++) {
            double[] acc = share.computeIfAbsent(layers.get(l).kind(), k -> new double[2]);
            acc[0] += layers.get(l).macs();
            acc[1] += medianMs[l];
        }
        Map<String, Object> shares = new LinkedHashMap<>();
        line("%n%-10s %12s %12s", "type", "mult-adds", "time");
        for (var e : share.entrySet()) {
            double m = e.getValue()[0] / totalMacs, t = e.getValue()[1] / totalMs;
            shares.put(e.getKey().label, Map.of("macs", m, "time", t));
            line("%-10s %11.2f%% %11.2f%%", e.getKey().label, 100 * m, 100 * t);
        }
        put("share", shares);
    }

    private Stats network(CompiledModel model, int runs) {
        Stats s = Stats.of(new NetworkTimer(model, 1).time(runs));
        put("ms_per_frame", s.median());
        put("ms_per_frame_spread", stats(s));
        put("fps", 1000 / s.median());
        line("%nwhole network, batch 1%s: %s ms/frame over %d frames = %.1f frames/s",
                model.layers().stream().anyMatch(l -> l.kernel().name().endsWith("+gemm")) ? " (depthwise+pointwise fused)" : "",
                s.format(3), runs, 1000 / s.median());
        return s;
    }

    private void onnxRuntime(Graph graph, CompiledModel model, int runs) {
        OnnxRuntimePeer.compare(graph, model, runs, this);
    }

    /** Called by {@link OnnxRuntimePeer} with the two engines timed in alternating blocks. */
    void reportOnnxRuntime(Stats ours, Stats ort, String how) {
        put("ms_per_frame", ours.median());
        put("ms_per_frame_spread", stats(ours));
        put("fps", 1000 / ours.median());
        put("onnxruntime_ms_per_frame", ort.median());
        put("onnxruntime_ms_per_frame_spread", stats(ort));
        put("speedup_vs_onnxruntime", ort.median() / ours.median());
        put("onnxruntime_setup", how);
        line("%nONNX Runtime (%s) on the same network and weights, interleaved with ours:", how);
        line("  ours:         %s ms/frame", ours.format(3));
        line("  onnxruntime:  %s ms/frame", ort.format(3));
        line("  speedup (onnxruntime ms / our ms): %.2fx", ort.median() / ours.median());
    }

    private void grid(int runs) {
        List<Map<String, Object>> rows = new ArrayList<>();
        line("%nwidth/resolution grid (synthetic weights), batch 1, median of %d frames:", runs);
        line("%-6s %-5s %12s %10s %10s %12s", "alpha", "res", "mult-adds", "ms", "frames/s", "GFLOP/s");
        for (double a : new double[] {1.0, 0.75, 0.5, 0.25}) {
            for (int res : new int[] {224, 192, 160, 128}) {
                Graph g = new MobileNetV1Builder().alpha(a).resolution(res).build();
                CompiledModel m = CompiledModel.compile(g);
                long macs = m.layers().stream().mapToLong(CompiledLayer::macs).sum();
                Stats s = Stats.of(new NetworkTimer(m, 1).time(runs));
                line("%-6s %-5d %,12d %10.3f %10.1f %12.1f", a, res, macs, s.median(), 1000 / s.median(),
                        2.0 * macs / (s.median() * 1e6));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("alpha", a);
                row.put("resolution", res);
                row.put("macs", macs);
                row.put("ms_per_frame", stats(s));
                row.put("fps", 1000 / s.median());
                rows.add(row);
            }
        }
        put("grid", rows);
    }

    private void standard(double alpha, int resolution, Stats separable) {
        Graph g = new MobileNetV1Builder().alpha(alpha).resolution(resolution).standardConvolutions(true).build();
        CompiledModel m = CompiledModel.compile(g);
        Graph sep = new MobileNetV1Builder().alpha(alpha).resolution(resolution).build();
        long macsStandard = m.layers().stream().mapToLong(CompiledLayer::macs).sum();
        long macsSeparable = CompiledModel.compile(sep).layers().stream().mapToLong(CompiledLayer::macs).sum();
        Stats s = Stats.of(new NetworkTimer(m, 1).time(20));
        double timeRatio = s.median() / separable.median(), macRatio = (double) macsStandard / macsSeparable;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ms_per_frame", stats(s));
        row.put("time_ratio", timeRatio);
        row.put("macs_ratio", macRatio);
        put("standard_conv", row);
        line("%nstandard convolutions instead of depthwise-separable: %s ms/frame (20 frames);", s.format(2));
        line("  %.2fx the time of the separable network, for %.2fx the multiply-adds (paper: 8.6x fewer)",
                timeRatio, macRatio);
    }

    private void batch(Graph graph, int runs) {
        CompiledModel m = CompiledModel.compile(graph);
        List<Map<String, Object>> rows = new ArrayList<>();
        line("%nbatching (one thread): frames/s by batch size");
        for (int b : new int[] {1, 4, 8}) {
            Stats s = Stats.of(new NetworkTimer(m, b).time(Math.max(20, runs / b)));
            double fps = b * 1000 / s.median();
            line("  batch %d: %s ms/batch = %.1f frames/s", b, s.format(2), fps);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("batch", b);
            row.put("ms_per_batch", stats(s));
            row.put("fps", fps);
            rows.add(row);
        }
        put("batch", rows);
    }

    private List<String> argsFor(String modelSpec, double alpha, int resolution) {
        return modelSpec != null ? List.of("--model", modelSpec)
                : List.of("--alpha", String.valueOf(alpha), "--resolution", String.valueOf(resolution));
    }

    /** First-frame latency in fresh JVMs, without and with a warm-up. */
    private void firstFrame(List<String> modelArgs, Stats steady) throws IOException, InterruptedException {
        double[] cold = new double[3], warm = new double[3], warmupMs = new double[3];
        for (int i = 0; i < 3; i++) {
            cold[i] = FirstFrameCommand.parse(child(modelArgs, false)).firstMs();
            FirstFrameCommand.Result w = FirstFrameCommand.parse(child(modelArgs, true));
            warm[i] = w.firstMs();
            warmupMs[i] = w.warmupMs();
        }
        Stats c = Stats.of(cold), w = Stats.of(warm), wu = Stats.of(warmupMs);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("without_warmup_ms", stats(c));
        row.put("after_warmup_ms", stats(w));
        row.put("warmup_ms", stats(wu));
        if (steady != null) {
            row.put("after_warmup_over_steady", w.median() / steady.median());
        }
        put("first_frame", row);
        line("%nfirst frame in a fresh JVM (3 JVMs each): without warm-up %s ms; after a %.0f ms warm-up %s ms%s",
                c.format(1), wu.median(), w.format(2),
                steady == null ? "" : String.format(Locale.ROOT, " (%.2fx the steady-state median)", w.median() / steady.median()));
    }

    private String child(List<String> modelArgs, boolean warmUp) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "first-frame"));
        cmd.addAll(modelArgs);
        if (warmUp) {
            cmd.add("--warm-up");
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("first-frame child JVM failed: " + output);
        }
        return output;
    }

    // ---------------------------------------------------------------- output helpers

    private void put(String key, Object value) {
        json.put(key, value);
    }

    private void line(String format, Object... args) {
        if (table) {
            out.println(String.format(Locale.ROOT, format, args));
            out.flush();
        }
    }

    private static Map<String, Object> stats(Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", s.median());
        m.put("p10", s.p10());
        m.put("p90", s.p90());
        m.put("min", s.min());
        m.put("max", s.max());
        m.put("n", s.n());
        return m;
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
    }

    static String toJson(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return Json.quote(s);
        }
        if (v instanceof Double d) {
            return Json.number(d, 6);
        }
        if (v instanceof Number n) {
            return n.toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            boolean first = true;
            for (var e : m.entrySet()) {
                b.append(first ? "" : ", ").append(Json.quote(e.getKey().toString())).append(": ").append(toJson(e.getValue()));
                first = false;
            }
            return b.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(toJson(l.get(i)));
            }
            return b.append(']').toString();
        }
        return Json.quote(v.toString());
    }

    static String cpuName() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).strip() + ", " + Runtime.getRuntime().availableProcessors() + " cores";
                }
            }
        } catch (IOException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }
}
