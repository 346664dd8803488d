package org.flinkmobilenet.experiments;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.flinkmobilenet.job.MobileNetPipeline;

/**
 * What to measure and for how long: the grid (models, formats, batch sizes, slot setups), repeats,
 * window lengths, the load sweep. {@code --quick} is a reduced grid for a smoke run; every part of
 * the grid can be narrowed from the command line, so each figure of the report can be made again alone.
 */
record Settings(Path repoRoot, Path out, String reportOnly, List<ModelCase> models, List<String> formats, List<Integer> batches,
                List<String> setups, int repeats, Set<String> sections, double windowSeconds, double phaseSeconds,
                double load, long engineWarmMillis, long engineMeasureMillis, ModelCase sweepModel, String sweepFormat,
                List<Integer> sweepBatches, List<Double> sweepLoads, String routeBy, boolean profile, boolean quick,
                String commandLine) {

    /** Slot setups: parallelism 1, and parallelism 2 as one TaskManager with two slots or two with one. */
    static final List<String> SETUPS = List.of("p1", "p2-1x2", "p2-2x1");
    static final List<String> SECTIONS = List.of("engine", "pipeline", "load");

    static final String USAGE = """
            usage: deploy/experiments/scaling.sh [--quick] [options]
                   deploy/experiments/scaling.sh --report DIR      (plots and summary again from DIR's CSV files)

              --quick                  reduced grid, one repeat, short windows (a smoke run, a few minutes)
              --models LIST            v1-1.0-224,v1-0.5-160,v1-0.25-128,v2-1.0-224 (default: all)
              --formats LIST           jpeg,raw (default: both)
              --batches LIST           1,4,8 (default)
              --setups LIST            p1,p2-1x2,p2-2x1 (default: all)
              --repeats N              repeats of every point (default 3; the grid is run N times over)
              --sections LIST          engine,pipeline,load (default: all)
              --window-seconds S       saturation window to aim for at the engine's speed (default 3)
              --phase-seconds S        length of each paced load phase (default 4)
              --load F                 load of the grid's latency phase, fraction of saturation (default 0.7)
              --sweep-model M          model of the latency-vs-load sweep (default v1-1.0-224)
              --sweep-format F         jpeg|raw (default jpeg)
              --sweep-batches LIST     (default 1,4,8)
              --sweep-loads LIST       fractions of saturation (default 0.25,0.5,0.7,0.85,1.0,1.15)
              --route-by camera|partition  the job's --route-by (default camera: frames shuffled by camera id)
              --profile                sample the classify threads with JDK Flight Recorder during the saturation
                                       window of each raw-frame point: where their time goes (profile.csv, the
                                       summary; recordings in DIR/profiles/, not committed). Not for JPEG points:
                                       decoding runs in native code, which the sampler does not see. Off by default
              --out DIR                results folder (default deploy/experiments/results/<timestamp>)
            """;

    static Settings parse(String[] args, Path repoRoot, Path defaultOut) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String k = args[i];
            if (!k.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + k + "'\n" + USAGE);
            }
            String name = k.substring(2);
            if (name.equals("quick") || name.equals("help") || name.equals("profile")) {
                a.put(name, "true");
            } else if (i + 1 < args.length) {
                a.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value\n" + USAGE);
            }
        }
        Set<String> known = Set.of("quick", "help", "models", "formats", "batches", "setups", "repeats", "sections",
                "window-seconds", "phase-seconds", "load", "sweep-model", "sweep-format", "sweep-batches", "sweep-loads",
                "route-by", "profile", "out", "report");
        for (String k : a.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k + "\n" + USAGE);
            }
        }
        if (a.containsKey("help")) {
            throw new IllegalArgumentException(USAGE);
        }
        boolean quick = a.containsKey("quick");
        List<ModelCase> models = list(a.getOrDefault("models", quick ? "v1-0.5-160"
                : String.join(",", ModelCase.ALL.stream().map(ModelCase::key).toList()))).stream().map(ModelCase::of).toList();
        List<String> formats = check(list(a.getOrDefault("formats", "jpeg,raw")), List.of("jpeg", "raw"), "format");
        List<Integer> batches = ints(a.getOrDefault("batches", quick ? "1,4" : "1,4,8"));
        List<String> setups = check(list(a.getOrDefault("setups", String.join(",", SETUPS))), SETUPS, "setup");
        Set<String> sections = Set.copyOf(check(list(a.getOrDefault("sections", String.join(",", SECTIONS))), SECTIONS,
                "section"));
        String sweepFormat = check(List.of(a.getOrDefault("sweep-format", "jpeg")), List.of("jpeg", "raw"), "format").get(0);
        String routeBy = check(List.of(a.getOrDefault("route-by", "camera")), Arrays.stream(MobileNetPipeline.Routing.values())
                .map(v -> v.name().toLowerCase(Locale.ROOT)).toList(), "routing").get(0);
        Path out = a.containsKey("out") ? Path.of(a.get("out")).toAbsolutePath() : defaultOut;
        return new Settings(repoRoot, out, a.get("report"), models, formats, batches, setups,
                Integer.parseInt(a.getOrDefault("repeats", quick ? "1" : "3")), sections,
                Double.parseDouble(a.getOrDefault("window-seconds", quick ? "2" : "3")),
                Double.parseDouble(a.getOrDefault("phase-seconds", quick ? "3" : "4")),
                Double.parseDouble(a.getOrDefault("load", "0.7")),
                quick ? 500 : 750, quick ? 1000 : 2000,
                ModelCase.of(a.getOrDefault("sweep-model", quick ? "v1-0.5-160" : "v1-1.0-224")), sweepFormat,
                ints(a.getOrDefault("sweep-batches", quick ? "4" : "1,4,8")),
                doubles(a.getOrDefault("sweep-loads", quick ? "0.5,1.0" : "0.25,0.5,0.7,0.85,1.0,1.15")), routeBy,
                a.containsKey("profile"), quick,
                String.join(" ", args));
    }

    /** Parallelism of a setup. */
    static int parallelism(String setup) {
        return setup.equals("p1") ? 1 : 2;
    }

    /** The MiniCluster layout a setup runs on ("TMs x slots"); p1 runs on the 1x2 cluster, using one slot. */
    static String layout(String setup) {
        return setup.equals("p2-2x1") ? "2x1" : "1x2";
    }

    List<Integer> threads() {
        return setups.stream().map(Settings::parallelism).distinct().sorted().toList();
    }

    private static List<String> list(String s) {
        return new ArrayList<>(Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
    }

    private static List<Integer> ints(String s) {
        return list(s).stream().map(Integer::parseInt).toList();
    }

    private static List<Double> doubles(String s) {
        return list(s).stream().map(Double::parseDouble).toList();
    }

    private static List<String> check(List<String> values, List<String> allowed, String what) {
        for (String v : values) {
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException("unknown " + what + " '" + v + "'; known: " + allowed);
            }
        }
        return values;
    }
}
