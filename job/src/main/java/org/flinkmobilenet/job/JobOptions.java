package org.flinkmobilenet.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.flinkmobilenet.engine.image.ImageLimits;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.flinkmobilenet.job.DeliverySettings.Delivery;
import org.flinkmobilenet.job.KafkaSettings.StartingOffsets;
import org.flinkmobilenet.operators.ClassifierSettings;

/**
 * The job's command line: every option with its default and help, parsing ({@code --name value} or
 * {@code --name=value}), the {@code --kafka.*} pass-through and the checks that refuse a
 * configuration before any job is built.
 */
public record JobOptions(KafkaSettings kafka, ClassifierSettings classifier, DeliverySettings delivery,
                         String jobName, int parallelism, MobileNetPipeline.Routing routing) {

    /** The flagship model: MobileNet v1 1.0/224 quantized, as a feature extractor and a head chained. */
    public static final String DEFAULT_MODEL = "models/mobilenet_v1/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite,"
            + "models/mobilenet_v1/mobilenet_quant_v1_224_head_layers.tflite";
    /** Kafka's default broker {@code transaction.max.timeout.ms}. */
    static final long KAFKA_DEFAULT_MAX_TRANSACTION_TIMEOUT_MS = 900_000;
    /** Pass-through properties the job sets itself. */
    static final Set<String> RESERVED_KAFKA = Set.of("key.serializer", "value.serializer", "key.deserializer",
            "value.deserializer", "transactional.id", "transaction.timeout.ms", "group.id");

    static final List<Option> OPTIONS = List.of(
            new Option("bootstrap-servers", "HOST:PORT[,...]", null,
                    "Kafka brokers (required, unless given as --kafka.bootstrap.servers)."),
            new Option("input-topic", "TOPIC", "frames", "Topic the camera frames are read from."),
            new Option("output-topic", "TOPIC", "labels", "Topic the labels are written to."),
            new Option("dlq-topic", "TOPIC", "frames-dlq", "Dead-letter topic: frames that cannot be classified."),
            new Option("group-id", "ID", "flink-mobilenet", "Consumer group; offsets are committed to it at checkpoints."),
            new Option("starting-offsets", "committed|earliest|latest", "committed",
                    "Where to start without a checkpoint: the group's committed offsets (latest where it has none), "
                            + "the earliest or the latest."),
            new Option("bounded", null, null,
                    "Read only up to the offsets that are latest when the job starts, then finish (backfills, replays)."),
            new Option("model", "FILE[,FILE]", DEFAULT_MODEL,
                    "TFLite model, or two files chained (feature extractor, then head). Read by every TaskManager."),
            new Option("model-dir", "DIR", "the directory flink run is started in",
                    "Relative --model and --labels paths are resolved against it when the job is submitted; the "
                            + "resulting absolute paths must exist on every TaskManager."),
            new Option("labels", "FILE", "labels inside the model, else ImageNet's",
                    "Label list, one per line, read by every TaskManager."),
            new Option("model-check", "true|false", "true",
                    "Check at submission that the model files exist here and load as a classifier; turn off when they exist "
                            + "only on the TaskManagers."),
            new Option("model-name", "NAME", "the model file names", "The \"model\" field of every label."),
            new Option("top", "K", "5", "Classes per label, best first."),
            new Option("crop", "F", "1.0", "Central crop fraction before resizing, in (0, 1]; 1 keeps the whole picture."),
            new Option("batch-size", "N", "1", "Frames per engine run; above 1 frames wait (at most --batch-timeout-ms) "
                    + "for their batch to fill."),
            new Option("batch-timeout-ms", "MS", "20", "Longest a frame waits for its batch (must be > 0 when batching)."),
            new Option("max-frame-age-ms", "MS", "0",
                    "A frame older than this (now - capture-ts) when its turn comes is not classified but sent to the "
                            + "dead-letter topic as 'stale'; 0 turns the check off."),
            new Option("max-image-bytes", "N", Integer.toString(ImageLimits.DEFAULT.maxBytes()), "Largest encoded frame."),
            new Option("max-image-dimension", "N", Integer.toString(ImageLimits.DEFAULT.maxDimension()),
                    "Largest width or height a frame may declare."),
            new Option("max-image-pixels", "N", Long.toString(ImageLimits.DEFAULT.maxPixels()),
                    "Largest width x height a frame may declare."),
            new Option("warmup-ms", "MS", "10000", "Longest warm-up of each slot's engine before its first frame."),
            new Option("parallelism", "N", "the cluster's default", "Parallelism of every operator."),
            new Option("route-by", "camera|partition", "camera",
                    "camera: frames are shuffled by camera id (keyBy), so a camera's frames are classified on one slot "
                            + "in order whatever partitions they are in, and every slot gets cameras. partition: no "
                            + "shuffle, each slot classifies what its source subtask reads (less CPU per frame, most "
                            + "with small models); needs frames keyed by camera id for per-camera order, and at least "
                            + "as many partitions as --parallelism to keep every slot busy."),
            new Option("delivery", "at-least-once|exactly-once", "at-least-once",
                    "at-least-once: labels may repeat after a failure, visible at once. exactly-once: Kafka "
                            + "transactions, labels visible to read_committed consumers only when a checkpoint completes."),
            new Option("checkpoint-interval-ms", "MS", "10000", "Checkpoint interval (both delivery modes checkpoint)."),
            new Option("transactional-id-prefix", "PREFIX", "flink-mobilenet",
                    "exactly-once: prefix of the Kafka transactional ids; unique per job on a Kafka cluster."),
            new Option("transaction-timeout-ms", "MS", "600000",
                    "exactly-once: Kafka transaction.timeout.ms; at least checkpoint interval + --max-recovery-ms, at most "
                            + "--broker-max-transaction-timeout-ms."),
            new Option("max-recovery-ms", "MS", "300000",
                    "exactly-once: longest time a failed job may take to come back; a transaction still open after "
                            + "the timeout is aborted by the broker and its labels are lost."),
            new Option("broker-max-transaction-timeout-ms", "MS", Long.toString(KAFKA_DEFAULT_MAX_TRANSACTION_TIMEOUT_MS),
                    "The brokers' transaction.max.timeout.ms, if it is not Kafka's default."),
            new Option("job-name", "NAME", "flink-mobilenet", "Name of the Flink job."),
            new Option("kafka.<property>", "VALUE", null,
                    "Any Kafka client property, for the consumer and both producers, e.g. "
                            + "--kafka.security.protocol=SASL_SSL --kafka.sasl.jaas.config=..."),
            new Option("help", null, null, "Print this help and exit without building a job."));

    private static final String KAFKA_PREFIX = "kafka.";

    /** True if the arguments ask for help anywhere (so a bad option next to --help still prints help). */
    public static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h") || a.equals("-help")) {
                return true;
            }
        }
        return false;
    }

    public static String usage() {
        StringBuilder b = new StringBuilder()
                .append("usage: flink run [flink options] mobilenet-job.jar --bootstrap-servers HOST:PORT [options]\n\n")
                .append("Classifies camera frames from Kafka with MobileNet and writes one JSON label per frame.\n")
                .append("Options (--name value or --name=value):\n");
        for (Option o : OPTIONS) {
            b.append("  --").append(o.name()).append(o.isFlag() ? "" : " " + o.value()).append('\n');
            wrap(b, o.help() + (o.defaultValue() == null ? "" : " Default: " + o.defaultValue() + "."), "      ", 100);
        }
        return b.toString();
    }

    /** Appends {@code text} as lines of at most {@code width} characters (longer words stay whole). */
    private static void wrap(StringBuilder b, String text, String indent, int width) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                b.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            line.append(line.length() > indent.length() ? " " : "").append(word);
        }
        b.append(line).append('\n');
    }

    /** Parses and checks {@code args}; relative model paths resolve against {@code workingDir}. */
    public static JobOptions parse(String[] args, Path workingDir) throws InvalidOptionsException {
        Map<String, String> given = new LinkedHashMap<>();
        Properties kafka = new Properties();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new InvalidOptionsException("unexpected argument '" + arg + "': options start with --");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            boolean isKafka = name.startsWith(KAFKA_PREFIX);
            Option option = isKafka ? null : find(name);
            if (!isKafka && option == null) {
                throw new InvalidOptionsException("unknown option --" + name);
            }
            if (value == null && (isKafka || !option.isFlag())) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new InvalidOptionsException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            if (isKafka) {
                String property = name.substring(KAFKA_PREFIX.length());
                if (property.isEmpty()) {
                    throw new InvalidOptionsException("--kafka. needs a property name, e.g. --kafka.security.protocol=SSL");
                }
                if (RESERVED_KAFKA.contains(property)) {
                    throw new InvalidOptionsException("--" + name + " is set by the job" + reservedHint(property));
                }
                if (kafka.setProperty(property, value) != null) {
                    throw new InvalidOptionsException("--" + name + " is given twice");
                }
            } else if (given.put(name, value == null ? "true" : value) != null) {
                throw new InvalidOptionsException("--" + name + " is given twice");
            }
        }
        return new Reader(given, kafka, workingDir).read();
    }

    private static String reservedHint(String property) {
        return switch (property) {
            case "transaction.timeout.ms" -> "; use --transaction-timeout-ms";
            case "transactional.id" -> "; use --transactional-id-prefix";
            case "group.id" -> "; use --group-id";
            default -> "";
        };
    }

    private static Option find(String name) {
        for (Option o : OPTIONS) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        return null;
    }

    /** Turns the given strings into typed settings, with defaults, and checks them together. */
    private static final class Reader {
        private final Map<String, String> given;
        private final Properties kafka;
        private final Path workingDir;

        Reader(Map<String, String> given, Properties kafka, Path workingDir) {
            this.given = given;
            this.kafka = kafka;
            this.workingDir = workingDir;
        }

        JobOptions read() throws InvalidOptionsException {
            KafkaSettings k = kafkaSettings();
            ClassifierSettings c = classifierSettings();
            DeliverySettings d = deliverySettings();
            String jobName = text("job-name");
            int parallelism = given.containsKey("parallelism") ? (int) number("parallelism", 1, 32768) : -1;
            return new JobOptions(k, c, d, jobName, parallelism, choice("route-by", MobileNetPipeline.Routing.class));
        }

        private KafkaSettings kafkaSettings() throws InvalidOptionsException {
            String bootstrap = given.get("bootstrap-servers");
            String fromKafka = kafka.getProperty("bootstrap.servers");
            if (bootstrap == null && fromKafka == null) {
                throw new InvalidOptionsException("--bootstrap-servers is required (the Kafka brokers, e.g. localhost:9092)");
            }
            if (bootstrap != null && fromKafka != null && !bootstrap.equals(fromKafka)) {
                throw new InvalidOptionsException("--bootstrap-servers and --kafka.bootstrap.servers differ");
            }
            bootstrap = bootstrap != null ? bootstrap : fromKafka;
            kafka.remove("bootstrap.servers");
            String in = text("input-topic"), out = text("output-topic"), dlq = text("dlq-topic");
            if (in.equals(out) || in.equals(dlq) || out.equals(dlq)) {
                throw new InvalidOptionsException("--input-topic, --output-topic and --dlq-topic must be three different topics"
                        + " (got " + in + ", " + out + ", " + dlq + ")");
            }
            StartingOffsets start = choice("starting-offsets", StartingOffsets.class);
            return new KafkaSettings(bootstrap, in, out, dlq, text("group-id"), start, flag("bounded"), kafka);
        }

        private ClassifierSettings classifierSettings() throws InvalidOptionsException {
            Path base = given.containsKey("model-dir") ? workingDir.resolve(given.get("model-dir")) : workingDir;
            List<Path> modelFiles = new ArrayList<>();
            for (String part : text("model").split(",")) {
                if (part.isBlank()) {
                    throw new InvalidOptionsException("--model has an empty file name: '" + text("model") + "'");
                }
                modelFiles.add(base.resolve(part.strip()).toAbsolutePath().normalize());
            }
            Path labels = given.containsKey("labels") ? base.resolve(given.get("labels")).toAbsolutePath().normalize() : null;
            if (bool("model-check")) {
                List<Path> needed = new ArrayList<>(modelFiles);
                if (labels != null) {
                    needed.add(labels);
                }
                for (Path p : needed) {
                    if (!Files.isRegularFile(p)) {
                        throw new InvalidOptionsException("model file " + p + " does not exist here (use --model-dir, an "
                                + "absolute path, or --model-check=false if it exists only on the TaskManagers)");
                    }
                }
            }
            String spec = String.join(",", modelFiles.stream().map(Path::toString).toList());
            if (bool("model-check")) {
                checkModel(spec, labels);
            }
            String name = given.containsKey("model-name") ? given.get("model-name") : String.join("+",
                    modelFiles.stream().map(p -> p.getFileName().toString().replaceFirst("\\.tflite$", "")).toList());
            int batch = (int) number("batch-size", 1, 1024);
            long batchTimeout = number("batch-timeout-ms", 0, 3_600_000);
            if (batch > 1 && batchTimeout == 0) {
                throw new InvalidOptionsException("--batch-timeout-ms must be above 0 when --batch-size is above 1");
            }
            double crop = decimal("crop");
            if (!(crop > 0 && crop <= 1)) {
                throw new InvalidOptionsException("--crop must be in (0, 1], was " + given.get("crop"));
            }
            return new ClassifierSettings(spec, labels == null ? null : labels.toString(), name,
                    (int) number("top", 1, 1000), (float) crop, batch, batchTimeout,
                    number("max-frame-age-ms", 0, Long.MAX_VALUE), (int) number("max-image-bytes", 1, Integer.MAX_VALUE),
                    (int) number("max-image-dimension", 1, Integer.MAX_VALUE), number("max-image-pixels", 1, Long.MAX_VALUE),
                    number("warmup-ms", 0, 3_600_000));
        }

        /**
         * Reads the model as the TaskManagers will (files, operators, shapes, labels; no weights packed), so a
         * corrupt or wrong-shaped model is refused here rather than failing the job after submission.
         */
        private static void checkModel(String spec, Path labels) throws InvalidOptionsException {
            try {
                ModelFiles.labels(ModelFiles.load(spec), labels);
            } catch (IOException e) {
                throw new InvalidOptionsException("the model cannot be used: " + e.getMessage());
            }
        }

        private DeliverySettings deliverySettings() throws InvalidOptionsException {
            String d = text("delivery");
            Delivery delivery = null;
            for (Delivery v : Delivery.values()) {
                if (v.text.equals(d)) {
                    delivery = v;
                }
            }
            if (delivery == null) {
                throw new InvalidOptionsException("--delivery must be at-least-once or exactly-once, was '" + d + "'");
            }
            long interval = number("checkpoint-interval-ms", 10, 86_400_000);
            long timeout = number("transaction-timeout-ms", 1, Long.MAX_VALUE);
            long recovery = number("max-recovery-ms", 0, Long.MAX_VALUE);
            long brokerMax = number("broker-max-transaction-timeout-ms", 1, Long.MAX_VALUE);
            String prefix = text("transactional-id-prefix");
            if (delivery == Delivery.EXACTLY_ONCE) {
                if (timeout > brokerMax) {
                    throw new InvalidOptionsException("--transaction-timeout-ms " + timeout + " is above the brokers' "
                            + "transaction.max.timeout.ms (" + brokerMax + "); the producers would be refused. Lower it, "
                            + "or set --broker-max-transaction-timeout-ms if your brokers allow more");
                }
                if (timeout < interval + recovery) {
                    throw new InvalidOptionsException("--transaction-timeout-ms " + timeout + " is below the checkpoint "
                            + "interval plus the recovery time (" + interval + " + " + recovery + " ms): a transaction "
                            + "could time out before its checkpoint commits it, and its labels would be lost");
                }
                if (prefix.isBlank()) {
                    throw new InvalidOptionsException("--transactional-id-prefix must not be empty");
                }
            }
            return new DeliverySettings(delivery, interval, prefix, timeout);
        }

        private String text(String name) throws InvalidOptionsException {
            String v = given.containsKey(name) ? given.get(name) : find(name).defaultValue();
            if (v == null || v.isBlank()) {
                throw new InvalidOptionsException("--" + name + " must not be empty");
            }
            return v.strip();
        }

        private long number(String name, long min, long max) throws InvalidOptionsException {
            String v = text(name);
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new InvalidOptionsException("--" + name + " must be a whole number, was '" + v + "'");
            }
            if (n < min || n > max) {
                throw new InvalidOptionsException("--" + name + " must be between " + min + " and " + max + ", was " + n);
            }
            return n;
        }

        private double decimal(String name) throws InvalidOptionsException {
            String v = text(name);
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new InvalidOptionsException("--" + name + " must be a number, was '" + v + "'");
            }
        }

        private boolean bool(String name) throws InvalidOptionsException {
            String v = text(name).toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new InvalidOptionsException("--" + name + " must be true or false, was '" + v + "'");
            };
        }

        private boolean flag(String name) throws InvalidOptionsException {
            return given.containsKey(name) && bool(name);
        }

        private <E extends Enum<E>> E choice(String name, Class<E> type) throws InvalidOptionsException {
            String v = text(name);
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(v)) {
                    return e;
                }
            }
            throw new InvalidOptionsException("--" + name + " must be one of " + find(name).value() + ", was '" + v + "'");
        }
    }
}
