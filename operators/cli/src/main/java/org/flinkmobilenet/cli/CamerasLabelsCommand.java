package org.flinkmobilenet.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.flinkmobilenet.engine.util.Json;

/**
 * {@code ./mobilenet labels}: watches the three topics of a running job, prints every label as it
 * arrives with a running throughput line, and ends with a summary whose last line is one JSON object.
 * Reading the frames topic too gives the frames in, and tells which photo each label is about, so the
 * top-1 class can be checked against the photo's known class.
 */
final class CamerasLabelsCommand {

    static final String HELP = """
            usage: ./mobilenet labels --bootstrap-servers HOST:PORT [options]

              --bootstrap-servers H:P  Kafka brokers
              --frames-topic T         (default frames)
              --labels-topic T         (default labels)
              --dlq-topic T            (default frames-dlq)
              --from earliest|latest   where to start in the three topics (default latest)
              --duration S             watch for S seconds, then drain (default 0: until Ctrl-C)
              --drain S                after --duration, wait at most S seconds for every frame seen to have
                                       a label or a dead letter (default 60)
              --print all|none         print every label and dead letter (default all)
              --stats-every S          seconds between throughput lines (default 5)
              --prometheus URL[,URL]   Flink Prometheus reporter endpoints to scrape and check at the end
              --check                  exit 1 unless every frame has a label or a dead letter and (with
                                       --prometheus) the job's metrics are exported
              --check-classes          with --check: also every label of a photo with a known class must be
                                       that class (true of the flagship model on the default photos)

            Latency is measured here: the time a label is read minus the frame's capture-ts (camera to
            label in Kafka, one host's clock). frames/s is labels out divided by the time from the first
            frame's capture to the last label. Labels and dead letters are counted once per camera and
            sequence number (an at-least-once job may write one twice after a failure).
            The last line printed is
              {"frames_in": n, "labels_out": n, "dead_letters": n, "fps": x, "latency_p50_ms": x, "latency_p99_ms": x}
            """;

    private final PrintStream out;
    private final PrintStream err;

    CamerasLabelsCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) throws InterruptedException {
        Args args = new Args(argv, 0, Set.of("help", "check", "check-classes"));
        if (args.flag("help")) {
            out.print(HELP);
            return 0;
        }
        String bootstrap = args.required("bootstrap-servers");
        String framesTopic = args.get("frames-topic", "frames");
        String labelsTopic = args.get("labels-topic", "labels");
        String dlqTopic = args.get("dlq-topic", "frames-dlq");
        String from = args.get("from", "latest");
        double duration = args.getDouble("duration", 0);
        double drain = args.getDouble("drain", 60);
        String print = args.get("print", "all");
        double statsEvery = args.getDouble("stats-every", 5);
        String prometheus = args.get("prometheus", null);
        boolean check = args.flag("check");
        boolean checkClasses = args.flag("check-classes");
        args.rejectUnknown();
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected arguments " + args.positional());
        }
        if (!from.equals("earliest") && !from.equals("latest")) {
            throw new Args.UsageException("--from must be earliest or latest");
        }
        if (!print.equals("all") && !print.equals("none")) {
            throw new Args.UsageException("--print must be all or none");
        }
        if (duration < 0 || drain < 0 || !(statsEvery > 0)) {
            throw new Args.UsageException("need --duration >= 0, --drain >= 0, --stats-every > 0");
        }
        List<String> promUrls = prometheus == null ? List.of()
                : Arrays.stream(prometheus.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();

        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, "mobilenet-labels");

        CamerasTally tally = new CamerasTally();
        boolean printAll = print.equals("all");
        CountDownLatch reported = new CountDownLatch(1);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        boolean[] interrupted = {false};
        Thread hook = new Thread(() -> {
            // Ctrl-C: stop reading and let the main thread print the summary before the JVM exits.
            interrupted[0] = true;
            consumer.wakeup();
            try {
                reported.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "labels-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int status;
        try {
            status = watch(consumer, List.of(framesTopic, labelsTopic, dlqTopic), from, duration, drain, statsEvery,
                    tally, printAll, framesTopic, labelsTopic);
            String outcome = interrupted[0] ? "interrupted" : status == 0 ? "drained" : "drain timed out";
            status = summary(tally, promUrls, check, checkClasses, outcome);
        } finally {
            consumer.close(Duration.ofSeconds(2));
            out.flush();
            reported.countDown();
        }
        if (!interrupted[0]) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return status;
    }

    /** Reads until the duration and drain are over (0), the drain times out (1), or Ctrl-C (0). */
    private int watch(KafkaConsumer<byte[], byte[]> consumer, List<String> topics, String from, double duration,
                      double drain, double statsEvery, CamerasTally tally, boolean printAll,
                      String framesTopic, String labelsTopic) throws InterruptedException {
        long start = System.currentTimeMillis();
        try {
            List<TopicPartition> partitions = partitions(consumer, topics);
            consumer.assign(partitions);
            if (from.equals("earliest")) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            partitions.forEach(consumer::position); // fixes the start now, before any camera sends
            err.println("labels: watching " + topics + " (" + partitions.size() + " partitions) from the " + from + " offsets");
            long nextStats = start + Math.round(statsEvery * 1000);
            long drainFrom = duration > 0 ? start + Math.round(duration * 1000) : Long.MAX_VALUE;
            long drainUntil = duration > 0 ? drainFrom + Math.round(drain * 1000) : Long.MAX_VALUE;
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    if (r.topic().equals(framesTopic)) {
                        tally.frame(header(r, "camera-id"), header(r, "frame-seq"), header(r, "capture-ts"),
                                header(r, CamerasCommand.EXPECTED_LABEL), now);
                    } else if (r.topic().equals(labelsTopic)) {
                        label(r, now, tally, printAll);
                    } else {
                        String reason = header(r, "error-class");
                        boolean fresh = tally.deadLetter(header(r, "camera-id"), header(r, "frame-seq"),
                                r.topic() + "/" + r.partition() + "@" + r.offset(), reason, now);
                        if (fresh && printAll) {
                            out.printf(Locale.ROOT, "%-8s #%-5s DEAD LETTER %s: %s%n", header(r, "camera-id"),
                                    header(r, "frame-seq"), reason, header(r, "error"));
                        }
                    }
                }
                long now = System.currentTimeMillis();
                if (now >= nextStats) {
                    out.println(tally.progressLine((now - start) / 1000.0, now));
                    out.flush();
                    nextStats += Math.round(statsEvery * 1000);
                }
                if (now >= drainFrom) {
                    // Done once every frame seen has an outcome and the cameras have been quiet a while.
                    if (tally.framesIn() > 0 && tally.settled() && now - tally.lastFrameMs() >= 2000) {
                        return 0;
                    }
                    if (now >= drainUntil) {
                        err.printf(Locale.ROOT, "labels: %d frames still without a label or dead letter after %.0f s of drain%n",
                                tally.framesIn() - tally.labelsOut() - tally.deadLetters(), drain);
                        return 1;
                    }
                }
            }
        } catch (WakeupException e) {
            return 0;
        }
    }

    private void label(ConsumerRecord<byte[], byte[]> r, long now, CamerasTally tally, boolean printAll) {
        String text = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
        Object json;
        try {
            json = CamerasJson.parse(text);
        } catch (IllegalArgumentException e) {
            tally.malformed();
            err.println("labels: unreadable label at " + r.topic() + "/" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
            return;
        }
        String camera = str(CamerasJson.at(json, "camera_id"));
        String seq = num(CamerasJson.at(json, "frame_seq"));
        String top = str(CamerasJson.at(json, "top.0.label"));
        Object score = CamerasJson.at(json, "top.0.score");
        Object capture = CamerasJson.at(json, "capture_ts");
        long latency = capture instanceof Double d ? now - d.longValue() : -1;
        CamerasTally.Outcome o = tally.label(camera, seq, top, latency, now);
        if (o.fresh() && printAll) {
            String mark = o.expected() == null ? "" : CamerasPhotos.sameClass(top, o.expected()) ? "  ok"
                    : "  (expected " + o.expected() + ")";
            out.printf(Locale.ROOT, "%-8s #%-5s %-28s %5.3f %6d ms%s%n", camera, seq, clip(top, 28),
                    score instanceof Double d ? d : Double.NaN, latency, mark);
        }
    }

    private int summary(CamerasTally t, List<String> promUrls, boolean check, boolean checkClasses, String outcome) {
        List<String> problems = new ArrayList<>();
        out.println();
        out.println("== summary (" + outcome + ") ==");
        out.printf(Locale.ROOT, "frames in       %d%n", t.framesIn());
        out.printf(Locale.ROOT, "labels out      %d%s%n", t.labelsOut(),
                t.duplicates() > 0 ? " (+" + t.duplicates() + " repeated after a restart)" : "");
        out.printf(Locale.ROOT, "dead letters    %d%s%n", t.deadLetters(), t.reasons().isEmpty() ? "" : " " + t.reasons());
        out.printf(Locale.ROOT, "frames/s        %.2f (labels out / first capture to last label)%n", t.fps());
        out.printf(Locale.ROOT, "latency         p50 %.0f ms, p99 %.0f ms, max %.0f ms (capture-ts to label read here)%n",
                t.latencyQuantile(0.5), t.latencyQuantile(0.99), t.latencyQuantile(1.0));
        CamerasTally.Classes c = t.classes();
        out.printf(Locale.ROOT, "top-1 classes   %d of %d labels of photos with a known class are that class%n",
                c.correct(), c.known());
        for (String m : c.mismatches()) {
            out.println("                " + m);
        }
        if (t.framesIn() == 0) {
            problems.add("no frames seen on the frames topic");
        }
        long open = t.framesIn() - t.labelsOut() - t.deadLetters();
        if (open != 0 && outcome.equals("interrupted")) {
            out.printf(Locale.ROOT, "in flight       %d frames had no label yet when interrupted%n", open);
        } else if (open != 0) {
            problems.add(open + " frames have neither a label nor a dead letter");
        }
        if (checkClasses && c.known() > c.correct()) {
            problems.add((c.known() - c.correct()) + " labels are not the photo's known class");
        }
        if (t.malformedLabels() > 0) {
            problems.add(t.malformedLabels() + " label records are not JSON");
        }
        if (!promUrls.isEmpty()) {
            CamerasPrometheus.Report report = CamerasPrometheus.check(promUrls);
            out.println("prometheus");
            for (String line : report.lines()) {
                out.println("  " + line);
            }
            problems.addAll(report.problems());
        }
        out.println(problems.isEmpty() ? "checks          ok" : "checks          FAILED: " + String.join("; ", problems));
        out.printf(Locale.ROOT, "{\"frames_in\": %d, \"labels_out\": %d, \"dead_letters\": %d, \"fps\": %s, "
                        + "\"latency_p50_ms\": %s, \"latency_p99_ms\": %s}%n", t.framesIn(), t.labelsOut(), t.deadLetters(),
                Json.number(t.fps(), 2), Json.number(t.latencyQuantile(0.5), 1), Json.number(t.latencyQuantile(0.99), 1));
        out.flush();
        return check && !problems.isEmpty() ? 1 : 0;
    }

    /** Every partition of the topics, waiting (up to a minute) for topics that do not exist yet. */
    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, List<String> topics)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            while (infos == null || infos.isEmpty()) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("topic " + topic + " does not exist");
                }
                Thread.sleep(500);
                infos = consumer.partitionsFor(topic);
            }
            infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
        }
        return all;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String str(Object v) {
        return v instanceof String s ? s : null;
    }

    private static String num(Object v) {
        return v instanceof Double d ? Long.toString(d.longValue()) : null;
    }

    private static String clip(String s, int n) {
        return s == null ? "-" : s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
