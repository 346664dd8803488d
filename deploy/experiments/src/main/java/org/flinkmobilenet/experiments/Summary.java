package org.flinkmobilenet.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The markdown summary of a run: targets, throughput, scaling, overhead, decoding, latency, heap, sizing. */
final class Summary {

    private final Results r;
    private final List<String> plots;
    private final StringBuilder md = new StringBuilder();

    Summary(Results r, List<String> plots) {
        this.r = r;
        this.plots = plots;
    }

    String markdown() {
        header();
        targets();
        throughput();
        efficiency();
        overhead();
        cpuOverhead();
        profiles();
        jpeg();
        latency();
        loadSweep();
        heap();
        cpu();
        sizing();
        figures();
        return md.toString();
    }

    private void header() {
        line("# Throughput scaling experiment, " + r.info("started"));
        line("");
        line("| | |");
        line("|---|---|");
        line("| command | `" + r.info("command") + "` |");
        line("| machine | " + r.info("cpu") + ", " + r.info("cores") + " cores, shared with other developers' builds and tests |");
        line("| JVM | " + r.info("jvm") + ", max heap " + r.info("max_heap_mb") + " MB, engine kernels " + r.info("kernels") + " |");
        String routeBy = r.info("route_by", "camera"); // sets from before --route-by all routed by camera
        line("| what ran | " + r.info("setup") + ". The job is built as `flink run` builds it (`JobOptions` → "
                + "`MobileNetPipeline` → `KafkaIO` source and sinks, at-least-once, checkpoints every 10 s, batch timeout 20 ms, "
                + "`--route-by " + routeBy + "`" + (routeBy.equals("camera") ? ": frames shuffled to the classify subtasks by "
                + "camera id" : ": no shuffle, classify chained to the source, one partition per source subtask") + ") |");
        line("| frames | 640x480 JPEG made from 8 shipped photos (" + r.info("frame_kb.jpeg") + " KB on average); raw RGB24 "
                + "at the model's input size (224: " + r.info("frame_kb.raw224") + " KB, 160: " + r.info("frame_kb.raw160")
                + " KB, 128: " + r.info("frame_kb.raw128") + " KB); 8 cameras, 4 per classify subtask at parallelism 2 |");
        line("| repeats | " + r.repeats() + " (the whole grid run over " + r.repeats() + " times); figures are medians, "
                + "min–max in brackets |");
        line("| windows | saturation: frames/s between the 15 % and 85 % labels of a backlog sized for ~" + r.info("window_seconds")
                + " s at the engine's speed; load phases of " + r.info("phase_seconds") + " s (first second left out) |");
        line("| load average (1/5/15 min) | start `" + r.info("loadavg_start") + "`, end `" + r.info("loadavg_end") + "` |");
        Spread outside = Results.spread(r.points, x -> x.get("error").isEmpty(), "cores_outside");
        Spread outsideEngine = Results.spread(r.engine, x -> true, "cores_outside");
        line("| CPU busy outside this process | during saturation windows: " + outside.show("%.2f") + " cores; "
                + "during engine-only runs: " + outsideEngine.show("%.2f") + " cores |");
        line("| runtime | " + r.info("minutes") + " min |");
        long retried = r.allPoints.rows().size() - r.points.rows().size();
        long engineRetried = r.allEngine.rows().size() - r.engine.rows().size();
        line("| disturbed measurements | a measurement during which the machine outside this process used more than "
                + Columns.DISTURBED_CORES + " cores, or (the job's) the JIT compilers more than " + Columns.JIT_DISTURBED_CORES
                + " cores, was tried again, up to " + Columns.ATTEMPTS + " attempts; the least "
                + "disturbed counts (column `counted`). Extra attempts: " + retried + " of the job's, " + engineRetried
                + " of the engine's |");
        if (r.points.rows().stream().anyMatch(x -> x.containsKey("cores_jit"))) {
            Spread jit = Results.spread(r.points, x -> x.get("error").isEmpty(), "cores_jit");
            line("| JIT during the job's windows | " + jit.show("%.2f") + " cores (the warm-up runs the job until a run "
                    + "sees at most " + Columns.JIT_QUIET_CORES + " cores of JIT, at most " + Columns.WARM_UP_RUNS + " runs) |");
        }
        long failed = r.allPoints.rows().stream().filter(x -> !x.get("error").isEmpty()).count();
        if (failed > 0) {
            line("| failed runs | " + failed + " (see the `error` column of points.csv) |");
        }
        line("");
    }

    private void targets() {
        line("## Targets");
        line("");
        line("| target | measured | met |");
        line("|---|---|---|");
        List<Double> overheads = new ArrayList<>();
        for (String m : r.models()) {
            for (int b : r.batches()) {
                for (String setup : List.of("p1", "p2-1x2")) {
                    double o = overhead(r.point(m, "raw", setup, b, "fps"), r.engine(m, "infer", Settings.parallelism(setup), b, "fps"));
                    if (!Double.isNaN(o)) {
                        overheads.add(o);
                    }
                }
            }
        }
        line("| Kafka + Flink + raw frames cost ≤ 10 % of throughput against the engine alone (inference only, same "
                + "number of threads) | " + rangeText(overheads, "%.0f %%", 100) + " | " + met(overheads, o -> o <= 0.10) + " |");
        for (String setup : List.of("p2-1x2", "p2-2x1")) {
            List<Double> eff = new ArrayList<>();
            for (String m : r.models()) {
                for (String f : r.formats()) {
                    for (int b : r.batches()) {
                        double e = efficiency(m, f, setup, b);
                        if (!Double.isNaN(e)) {
                            eff.add(e);
                        }
                    }
                }
            }
            line("| 1 → 2 slots on 2 cores, scaling efficiency ≥ 0.85 (" + (setup.equals("p2-1x2") ? "1 TM x 2 slots" : "2 TMs x 1 slot")
                    + ") | " + rangeText(eff, "%.2f", 1) + " | " + met(eff, e -> e >= 0.85) + " |");
        }
        List<Double> engineEff = new ArrayList<>();
        for (String m : r.models()) {
            for (int b : r.batches()) {
                Spread one = r.engine(m, "infer", 1, b, "fps"), two = r.engine(m, "infer", 2, b, "fps");
                if (one.present() && two.present()) {
                    engineEff.add(two.median() / (2 * one.median()));
                }
            }
        }
        line("| (reference: the engine alone, inference only, 1 → 2 threads) | " + rangeText(engineEff, "%.2f", 1) + " | "
                + met(engineEff, e -> e >= 0.85) + " |");
        List<Double> heapRatios = new ArrayList<>();
        for (String m : r.models()) {
            for (int b : r.batches()) {
                for (String f : r.formats()) {
                    Spread d = heapDelta(m, f, b, "heap_live_bytes");
                    double arena = arena(m, b);
                    if (d.present() && arena > 0) {
                        heapRatios.add(d.median() / arena);
                    }
                }
            }
        }
        line("| heap per extra slot ≤ activation arena + 10 % (live bytes, job idle, 2 slots minus 1 slot, "
                + "over `CompiledModel.engineBytes(batch)`) | " + rangeText(heapRatios, "%.2f", 1) + " x the arena | "
                + met(heapRatios, x -> x <= 1.10) + " |");
        line("");
    }

    private void throughput() {
        line("## Frames per second");
        line("");
        line("Sustained frames/s of the job with a backlog waiting (median, min–max over repeats), next to the engine "
                + "alone: on the same input (decode or raw hand-over, preprocessing, inference) and inference only.");
        line("");
        line("| model | frames | batch | job, 1 slot | job, 2 slots (1 TM x 2) | job, 2 slots (2 TMs x 1) | engine, 1 thread "
                + "| engine, 2 threads | inference only, 1 thread | inference only, 2 threads |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (String m : r.models()) {
            for (String f : r.formats()) {
                for (int b : r.batches()) {
                    line("| " + m + " | " + f + " | " + b + " | " + r.point(m, f, "p1", b, "fps").show("%.1f") + " | "
                            + r.point(m, f, "p2-1x2", b, "fps").show("%.1f") + " | " + r.point(m, f, "p2-2x1", b, "fps").show("%.1f")
                            + " | " + r.engine(m, f, 1, b, "fps").show("%.1f") + " | " + r.engine(m, f, 2, b, "fps").show("%.1f")
                            + " | " + r.engine(m, "infer", 1, b, "fps").show("%.1f") + " | "
                            + r.engine(m, "infer", 2, b, "fps").show("%.1f") + " |");
                }
            }
        }
        line("");
    }

    private void efficiency() {
        line("## Scaling efficiency, 1 → 2 slots");
        line("");
        line("frames/s at 2 slots / (2 x frames/s at 1 slot), from the medians. The machine has 2 cores, so 2 slots also "
                + "share them with the broker, the cameras and the label reader of this experiment.");
        line("");
        line("| model | frames | batch | 1 TM x 2 slots | 2 TMs x 1 slot | engine alone, same input | engine alone, inference only |");
        line("|---|---|---|---|---|---|---|");
        for (String m : r.models()) {
            for (String f : r.formats()) {
                for (int b : r.batches()) {
                    line("| " + m + " | " + f + " | " + b + " | " + fmt(efficiency(m, f, "p2-1x2", b), "%.2f") + " | "
                            + fmt(efficiency(m, f, "p2-2x1", b), "%.2f") + " | "
                            + fmt(ratio(r.engine(m, f, 2, b, "fps"), r.engine(m, f, 1, b, "fps")) / 2, "%.2f") + " | "
                            + fmt(ratio(r.engine(m, "infer", 2, b, "fps"), r.engine(m, "infer", 1, b, "fps")) / 2, "%.2f") + " |");
                }
            }
        }
        line("");
    }

    private void overhead() {
        line("## What the pipeline costs");
        line("");
        line("Throughput lost against the engine alone at the same parallelism: 1 - job / engine. \"Against inference\" "
                + "is the issue's target (Kafka + Flink + raw-frame handling); \"against engine raw\" leaves the raw "
                + "hand-over and preprocessing out, so it is Kafka and Flink alone.");
        line("");
        line("| model | batch | slots | inference only | engine raw | job raw | raw: against inference | raw: against engine raw "
                + "| engine JPEG | job JPEG | JPEG: against engine JPEG |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        for (String m : r.models()) {
            for (int b : r.batches()) {
                for (String setup : List.of("p1", "p2-1x2")) {
                    int p = Settings.parallelism(setup);
                    Spread inf = r.engine(m, "infer", p, b, "fps"), eraw = r.engine(m, "raw", p, b, "fps");
                    Spread jraw = r.point(m, "raw", setup, b, "fps"), ejpeg = r.engine(m, "jpeg", p, b, "fps");
                    Spread jjpeg = r.point(m, "jpeg", setup, b, "fps");
                    line("| " + m + " | " + b + " | " + p + " | " + inf.show("%.1f") + " | " + eraw.show("%.1f") + " | "
                            + jraw.show("%.1f") + " | " + pct(overhead(jraw, inf)) + " | " + pct(overhead(jraw, eraw)) + " | "
                            + ejpeg.show("%.1f") + " | " + jjpeg.show("%.1f") + " | " + pct(overhead(jjpeg, ejpeg)) + " |");
                }
            }
        }
        line("");
    }

    /** The same cost as CPU time per frame, which does not depend on who else shares the two cores. */
    private void cpuOverhead() {
        line("The same in CPU time per frame, which does not depend on what else shares the two cores: the engine alone "
                + "(process CPU / frames; its threads are all the process does), the job's threads (Flink tasks, Kafka "
                + "source fetchers, the sinks' producers), and the whole process (adds the in-JVM broker, the label "
                + "reader, JIT and GC). Best batch of the job at each parallelism.");
        line("");
        line("| model | frames | slots | batch | engine CPU ms/frame | job CPU ms/frame | job over engine | process CPU ms/frame "
                + "| process over engine |");
        line("|---|---|---|---|---|---|---|---|---|");
        for (String m : r.models()) {
            for (String f : r.formats()) {
                for (String setup : List.of("p1", "p2-1x2")) {
                    int b = Report.bestBatch(r, m, f, setup);
                    Spread e = r.engine(m, f, Settings.parallelism(setup), b, "cpu_ms_per_frame");
                    Spread j = r.point(m, f, setup, b, "job_cpu_ms_per_frame");
                    Spread p = r.point(m, f, setup, b, "process_cpu_ms_per_frame");
                    if (!j.present()) {
                        continue;
                    }
                    line("| " + m + " | " + f + " | " + Settings.parallelism(setup) + " | " + b + " | " + e.show("%.2f") + " | "
                            + j.show("%.2f") + " | " + pct(ratio(j, e) - 1) + " | " + p.show("%.2f") + " | "
                            + pct(ratio(p, e) - 1) + " |");
                }
            }
        }
        line("");
    }

    /** With {@code --profile}: what the classify threads' samples during the saturation windows were doing. */
    private void profiles() {
        if (r.allProfiles.rows().isEmpty()) {
            return;
        }
        line("## Where the classify threads' time goes");
        line("");
        line("JDK Flight Recorder samples (" + r.info("profile") + ") of the classify threads (one per slot: the "
                + "threads whose speed is the job's throughput) during each saturation window, each sample put in the "
                + "first part its stack names from the top: inference (the engine's kernels and softmax: what the "
                + "inference-only baseline runs), decode (ImageIO), resize + normalise, labels (top-k, label JSON), "
                + "Kafka (the label sink's producer), Flink (network input, deserialising frames, timers, metrics), "
                + "the job's own code, other. \"Busy\": the classify threads' CPU time over the window, per thread (100 % "
                + "for a thread that never waits and never loses its core). Median over the repeats "
                + "that count; frames/s of the profiled runs. Raw "
                + "frames only: JPEG decoding runs in native code (libjpeg), which these samples do not see; its share is in "
                + "\"Decoding JPEG\" below, from the engine alone.");
        line("");
        StringBuilder head = new StringBuilder("| model | frames | slots | batch | frames/s | busy | samples |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|---|---|---|");
        for (ThreadProfile.Part p : ThreadProfile.Part.values()) {
            head.append(' ').append(p.column.replace('_', ' ')).append(" |");
            rule.append("---|");
        }
        line(head.toString());
        line(rule.toString());
        for (String m : r.models()) {
            for (String f : r.formats()) {
                for (String setup : r.setups()) {
                    for (int b : r.batches()) {
                        Spread samples = r.profile(m, f, setup, b, "samples");
                        if (!samples.present()) {
                            continue;
                        }
                        StringBuilder row = new StringBuilder("| " + m + " | " + f + " | " + setupText(setup) + " | " + b + " | "
                                + r.profile(m, f, setup, b, "fps").show("%.1f") + " | "
                                + pct(r.profile(m, f, setup, b, "classify_busy").median()) + " | " + samples.show("%.0f") + " |");
                        for (ThreadProfile.Part p : ThreadProfile.Part.values()) {
                            row.append(' ').append(pct(r.profile(m, f, setup, b, "share_" + p.column).median())).append(" |");
                        }
                        line(row.toString());
                    }
                }
            }
        }
        line("");
    }

    private void jpeg() {
        line("## Decoding JPEG");
        line("");
        line("Engine alone on 640x480 JPEG, time per frame in each step (median over batch sizes and repeats), and the "
                + "throughput the job loses with JPEG frames instead of raw frames (1 - JPEG / raw, best batch).");
        line("");
        line("| model | threads | decode ms | resize + normalise ms | inference ms | decoding's share of the engine's time "
                + "| job: throughput lost to JPEG |");
        line("|---|---|---|---|---|---|---|");
        for (String m : r.models()) {
            for (int t : List.of(1, 2)) {
                var rows = r.engine.where(x -> x.get("model").equals(m) && x.get("mode").equals("jpeg") && Table.num(x, "threads") == t);
                if (rows.isEmpty()) {
                    continue;
                }
                String setup = t == 1 ? "p1" : "p2-1x2";
                int best = Report.bestBatch(r, m, "raw", setup);
                double lost = overhead(r.point(m, "jpeg", setup, best, "fps"), r.point(m, "raw", setup, best, "fps"));
                line("| " + m + " | " + t + " | " + col(rows, "decode_ms", "%.2f") + " | " + col(rows, "preprocess_ms", "%.2f")
                        + " | " + col(rows, "inference_ms", "%.2f") + " | " + Spread.of(rows.stream()
                        .map(x -> 100 * Table.num(x, "decode_share")).toList()).show("%.0f %%") + " | " + pct(lost) + " |");
            }
        }
        line("");
    }

    private void latency() {
        line("## Latency at " + Math.round(100 * loadFraction()) + " % of saturation");
        line("");
        line("After each saturation window the cameras send at this fraction of the frames/s just measured. Latency is "
                + "capture time to the label's arrival at a consumer; the job's own `end_to_end_ms` (capture to label "
                + "emitted) is next to it. Backlog: frames sent and not yet labelled; \"grew\" when its slope over the "
                + "phase exceeds 5 % of the offered rate (repeats where it grew / repeats).");
        line("");
        line("| model | frames | slots | batch | offered frames/s | p50 ms | p99 ms | job p50 / p99 ms | backlog grew |");
        line("|---|---|---|---|---|---|---|---|---|");
        for (String m : r.models()) {
            for (String f : r.formats()) {
                for (String setup : r.setups()) {
                    for (int b : r.batches()) {
                        var rows = r.points.where(x -> x.get("model").equals(m) && x.get("format").equals(f)
                                && x.get("setup").equals(setup) && Table.num(x, "batch") == b && x.get("error").isEmpty());
                        if (rows.isEmpty()) {
                            continue;
                        }
                        long grew = rows.stream().filter(x -> x.get("backlog_grew").equals("true")).count();
                        line("| " + m + " | " + f + " | " + setupText(setup) + " | " + b + " | " + col(rows, "offered_fps", "%.1f")
                                + " | " + col(rows, "latency_p50_ms", "%.0f") + " | " + col(rows, "latency_p99_ms", "%.0f") + " | "
                                + col(rows, "job_latency_p50_ms", "%.0f") + " / " + col(rows, "job_latency_p99_ms", "%.0f")
                                + " | " + grew + "/" + rows.size() + " |");
                    }
                }
            }
        }
        line("");
    }

    private void loadSweep() {
        if (r.load.rows().isEmpty()) {
            return;
        }
        Map<String, String> first = r.load.rows().get(0);
        line("## Latency against load (" + first.get("model") + ", " + first.get("format") + ", 2 slots on 1 TaskManager)");
        line("");
        line("One job per batch size: saturation measured first, then " + r.info("phase_seconds")
                + " s phases at rising fractions of it.");
        line("");
        line("| batch | saturation frames/s | load | offered | labelled/s | p50 ms | p99 ms | job p50 / p99 ms | backlog slope "
                + "(frames/s) | backlog grew | CPU outside |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Map<String, String> x : r.load.rows()) {
            line("| " + x.get("batch") + " | " + x.get("saturation_fps") + " | " + Math.round(100 * Table.num(x, "load")) + " % | "
                    + x.get("offered_fps") + " | " + x.get("achieved_fps") + " | " + x.get("latency_p50_ms") + " | "
                    + x.get("latency_p99_ms") + " | " + x.get("job_latency_p50_ms") + " / " + x.get("job_latency_p99_ms") + " | "
                    + x.get("backlog_slope_fps") + " | " + (x.get("backlog_grew").equals("true") ? "**yes**" : "no") + " | "
                    + x.get("cores_outside") + " |");
        }
        line("");
    }

    private void heap() {
        line("## Heap per extra slot");
        line("");
        line("Arena = `CompiledModel.engineBytes(batch)`: one engine's activations and scratch. Engine alone: the bytes "
                + "one `Classifier` allocates (exact, from the thread's allocation counter) and the live bytes a second "
                + "one adds. Job, with the job idle (backlog drained), 2 slots minus 1 slot on one TaskManager, paired by "
                + "repeat: live bytes (all live objects, from the JVM's class histogram after a full GC) and heap "
                + "occupancy after GC. The weights are shared per JVM, so none of these carry them. Occupancy is what "
                + "the collector makes of the objects: with " + r.info("gc") + " and " + r.info("g1_region_mb")
                + " MB regions an array of half a region or more is humongous and takes whole regions, and partly "
                + "filled regions after compaction move it by a few MB from one reading to the next.");
        line("");
        line("| model | batch | arena MB | engine alone: allocated MB | engine alone: live bytes of an extra classifier MB "
                + "| job JPEG: live MB per extra slot | job raw: live MB per extra slot | live / arena (JPEG, raw) "
                + "| job JPEG / raw: heap occupancy MB per extra slot |");
        line("|---|---|---|---|---|---|---|---|---|");
        for (String m : r.models()) {
            for (int b : r.batches()) {
                double arena = arena(m, b);
                Spread alloc = Results.spread(r.engineHeap, x -> x.get("model").equals(m) && Table.num(x, "batch") == b,
                        "allocated_bytes");
                Spread e = Results.spread(r.engineHeap, x -> x.get("model").equals(m) && Table.num(x, "batch") == b,
                        "live_extra_classifier_bytes");
                Spread lj = heapDelta(m, "jpeg", b, "heap_live_bytes"), lr = heapDelta(m, "raw", b, "heap_live_bytes");
                Spread uj = heapDelta(m, "jpeg", b, "heap_after_gc_bytes"), ur = heapDelta(m, "raw", b, "heap_after_gc_bytes");
                List<String> ratios = new ArrayList<>();
                for (Spread d : List.of(lj, lr)) {
                    ratios.add(d.present() && arena > 0 ? fmt(d.median() / arena, "%.2f") : "–");
                }
                line("| " + m + " | " + b + " | " + fmt(arena / 1e6, "%.2f") + " | " + mb(alloc) + " | " + mb(e) + " | "
                        + mb(lj) + " | " + mb(lr) + " | " + String.join(", ", ratios) + " | " + mb(uj) + " / " + mb(ur) + " |");
            }
        }
        line("");
    }

    private void cpu() {
        line("## CPU per frame");
        line("");
        line("Cores used during the saturation window (CPU seconds per second): the job's threads (Flink tasks, the Kafka "
                + "source fetchers and the sinks' producers), the whole process (adds the in-JVM broker, the label reader, "
                + "JIT and GC), and the machine outside this process. Best batch of each setup.");
        line("");
        line("| model | frames | slots | batch | frames/s | job cores | process cores | outside cores | job CPU ms/frame "
                + "| process CPU ms/frame |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (String m : r.models()) {
            for (String f : r.formats()) {
                for (String setup : r.setups()) {
                    int b = Report.bestBatch(r, m, f, setup);
                    if (!r.point(m, f, setup, b, "fps").present()) {
                        continue;
                    }
                    line("| " + m + " | " + f + " | " + setupText(setup) + " | " + b + " | " + r.point(m, f, setup, b, "fps").show("%.1f")
                            + " | " + r.point(m, f, setup, b, "cores_job").show("%.2f") + " | "
                            + r.point(m, f, setup, b, "cores_process").show("%.2f") + " | "
                            + r.point(m, f, setup, b, "cores_outside").show("%.2f") + " | "
                            + r.point(m, f, setup, b, "job_cpu_ms_per_frame").show("%.2f") + " | "
                            + r.point(m, f, setup, b, "process_cpu_ms_per_frame").show("%.2f") + " |");
                }
            }
        }
        line("");
    }

    private void sizing() {
        line("## Beyond one machine");
        line("");
        line("From the job's measured CPU per frame (JPEG frames, 2 slots on 1 TaskManager, best batch): a slot takes "
                + "frames up to " + Math.round(Sizing.UTILISATION * 100) + " % of one core, i.e. 0.7 x 1000 / (CPU ms per "
                + "frame) frames/s. Cameras are spread over slots by Flink's keyBy (camera id → key group → slot), "
                + "so the busiest slot, computed with Flink's own assignment for ids cam-0..cam-N-1, must fit, not the "
                + "average. A TaskManager = " + Sizing.CORES_PER_TM + " cores with " + Sizing.CORES_PER_TM + " slots. "
                + "Partitions = slots: every source subtask reads one partition. The broker is not included "
                + "(it runs on its own machines); its CPU here is in the process column above.");
        line("");
        line("| model | batch | job CPU ms/frame | one slot takes (frames/s) | fleet | frames/s | slots | TaskManagers | cores "
                + "| partitions | busiest slot / mean | with 32 key groups per slot |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (String m : r.models()) {
            int b = Report.bestBatch(r, m, "jpeg", "p2-1x2");
            Spread cost = r.point(m, "jpeg", "p2-1x2", b, "job_cpu_ms_per_frame");
            if (!cost.present()) {
                continue;
            }
            for (int[] fleet : new int[][] {{100, 5}, {1000, 2}}) {
                Sizing.Plan def = Sizing.plan(fleet[0], fleet[1], cost.median(), false);
                Sizing.Plan even = Sizing.plan(fleet[0], fleet[1], cost.median(), true);
                line("| " + m + " | " + b + " | " + fmt(cost.median(), "%.2f") + " | " + fmt(700 / cost.median(), "%.0f") + " | "
                        + fleet[0] + " cameras x " + fleet[1] + " fps | " + fleet[0] * fleet[1] + " | " + def.slots() + " | "
                        + def.taskManagers() + " | " + def.cores() + " | " + def.partitions() + " | "
                        + fmt(def.busiestOverMean(), "%.2f") + " (max parallelism " + def.maxParallelism() + ") | "
                        + even.slots() + " slots, " + even.taskManagers() + " TMs (max parallelism " + even.maxParallelism()
                        + ", busiest/mean " + fmt(even.busiestOverMean(), "%.2f") + ") |");
            }
        }
        line("");
    }

    private void figures() {
        line("## Figures and files");
        line("");
        line("CSV: `points.csv` (every run of the job), `engine.csv` (engine alone), `engine-heap.csv`, `load.csv` "
                + "(latency against load)" + (r.allProfiles.rows().isEmpty() ? "" : ", `profile.csv` (the classify threads' "
                + "samples; the recordings themselves are in `profiles/`, which is not committed: open one with `jfr print` "
                + "or JDK Mission Control)") + "; `run.properties` (machine and settings); `run.log` (console).");
        line("");
        for (String p : plots) {
            line("![" + p + "](" + p + ")");
            line("");
        }
    }

    // --- figures from the medians ---

    private double efficiency(String m, String f, String setup, int b) {
        return ratio(r.point(m, f, setup, b, "fps"), r.point(m, f, "p1", b, "fps")) / 2;
    }

    /** A heap reading of 2 slots minus the same of 1 slot (one TaskManager), paired by repeat. */
    private Spread heapDelta(String m, String f, int b, String column) {
        List<Double> d = new ArrayList<>();
        for (int rep = 1; rep <= r.repeats(); rep++) {
            final int k = rep;
            Spread one = Results.spread(r.points, x -> is(x, m, f, "p1", b) && Table.num(x, "repeat") == k, column);
            Spread two = Results.spread(r.points, x -> is(x, m, f, "p2-1x2", b) && Table.num(x, "repeat") == k, column);
            if (one.present() && two.present()) {
                d.add(two.median() - one.median());
            }
        }
        return Spread.of(d);
    }

    private double arena(String m, int b) {
        Spread s = Results.spread(r.points, x -> x.get("model").equals(m) && Table.num(x, "batch") == b, "engine_bytes");
        if (!s.present()) {
            s = Results.spread(r.engineHeap, x -> x.get("model").equals(m) && Table.num(x, "batch") == b, "engine_bytes");
        }
        return s.median();
    }

    private static boolean is(Map<String, String> x, String m, String f, String setup, int b) {
        return x.get("model").equals(m) && x.get("format").equals(f) && x.get("setup").equals(setup)
                && Table.num(x, "batch") == b && x.get("error").isEmpty();
    }

    private double loadFraction() {
        return r.points.rows().isEmpty() ? Double.NaN : Table.num(r.points.rows().get(0), "load");
    }

    private static double ratio(Spread a, Spread b) {
        return a.present() && b.present() ? a.median() / b.median() : Double.NaN;
    }

    private static double overhead(Spread job, Spread engine) {
        return 1 - ratio(job, engine);
    }

    private static String col(List<Map<String, String>> rows, String column, String format) {
        return Spread.of(rows.stream().map(x -> Table.num(x, column)).toList()).show(format);
    }

    private static String mb(Spread s) {
        return s.present() ? new Spread(s.median() / 1e6, s.min() / 1e6, s.max() / 1e6, s.n()).show("%.2f") : "–";
    }

    private static String rangeText(List<Double> values, String format, double scale) {
        if (values.isEmpty()) {
            return "not measured";
        }
        Spread s = Spread.of(values.stream().map(v -> v * scale).toList());
        return "median " + String.format(Locale.ROOT, format, s.median()) + ", range "
                + String.format(Locale.ROOT, format, s.min()) + " to " + String.format(Locale.ROOT, format, s.max())
                + " over " + values.size() + " points";
    }

    private static String met(List<Double> values, java.util.function.DoublePredicate ok) {
        long n = values.stream().filter(v -> ok.test(v)).count();
        return values.isEmpty() ? "–" : n == values.size() ? "**yes**" : n == 0 ? "**no**" : "at " + n + " of " + values.size() + " points";
    }

    private static String setupText(String setup) {
        return switch (setup) {
            case "p1" -> "1";
            case "p2-1x2" -> "2 (1 TM x 2)";
            default -> "2 (2 TMs x 1)";
        };
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }

    private static String fmt(double v, String format) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }
}
