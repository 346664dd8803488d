package org.flinkmobilenet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./mobilenet cameras}: N simulated cameras, each publishing F JPEG frames a second to the
 * frames topic with the headers of the frame format. Camera {@code i} (1-based) shows photo
 * {@code (i - 1 + seq) mod photos} at sequence number {@code seq}, so every camera cycles through
 * every photo and neighbouring cameras show different ones.
 */
final class CamerasCommand {

    static final String HELP = """
            usage: ./mobilenet cameras --bootstrap-servers HOST:PORT [options]

              --bootstrap-servers H:P  Kafka brokers
              --topic T                frames topic (default frames)
              --cameras N              simulated cameras (default 2)
              --fps F                  frames a second per camera (default 2)
              --duration S             seconds to send for (default 60); 0 sends nothing (topic setup only)
              --frames N               stop a camera after N frames (default: no limit)
              --images FILE[,FILE]     photos to film (default: the photos in test-images/ whose class is known)
              --max-side PX            longest side of a frame; photos are scaled down to it (default 640)
              --quality Q              JPEG quality in (0, 1] (default 0.9)
              --create-topics T[,T]    create these topics first (e.g. frames,labels,frames-dlq)
              --partitions P           partitions of created topics (default 2)
              --recreate-topics        delete the --create-topics topics first, so they start empty

            Each frame is one Kafka record: key = camera id, value = the JPEG, headers camera-id (cam-1...),
            frame-seq (0, 1, ... per camera), capture-ts (epoch ms when sent), content-type (image/jpeg),
            and two headers the job ignores: photo (the file name) and expected-label (its known class).
            Prints progress on stderr and, at the end (or on SIGTERM / Ctrl-C), one JSON line on stdout:
              {"frames_sent": N, "send_errors": E, "cameras": C, "seconds": S, "fps": X}
            """;

    /** Header names of the simulator's extras (the frame format's own are in FrameCodec). */
    static final String PHOTO = "photo";
    static final String EXPECTED_LABEL = "expected-label";

    private final PrintStream out;
    private final PrintStream err;

    CamerasCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) throws IOException, InterruptedException {
        Args args = new Args(argv, 0, Set.of("help", "recreate-topics"));
        if (args.flag("help")) {
            out.print(HELP);
            return 0;
        }
        String bootstrap = args.required("bootstrap-servers");
        String topic = args.get("topic", "frames");
        int cameras = args.getInt("cameras", 2);
        double fps = args.getDouble("fps", 2);
        double duration = args.getDouble("duration", 60);
        long maxFrames = args.getInt("frames", Integer.MAX_VALUE);
        String images = args.get("images", null);
        int maxSide = args.getInt("max-side", 640);
        double quality = args.getDouble("quality", 0.9);
        String createTopics = args.get("create-topics", null);
        int partitions = args.getInt("partitions", 2);
        boolean recreate = args.flag("recreate-topics");
        args.rejectUnknown();
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected arguments " + args.positional());
        }
        if (cameras < 1 || !(fps > 0) || fps > 1000 || duration < 0 || maxFrames < 1 || maxSide < 16
                || !(quality > 0 && quality <= 1) || partitions < 1) {
            throw new Args.UsageException("need --cameras >= 1, 0 < --fps <= 1000, --duration >= 0, --frames >= 1, "
                    + "--max-side >= 16, 0 < --quality <= 1, --partitions >= 1");
        }

        if (createTopics != null) {
            List<String> topics = Arrays.stream(createTopics.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            try {
                CamerasTopics.create(bootstrap, topics, partitions, recreate, err);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                err.println("error: topic setup on " + bootstrap + " failed: " + e);
                return 1;
            }
        } else if (recreate) {
            throw new Args.UsageException("--recreate-topics needs --create-topics");
        }
        if (duration == 0) {
            return 0;
        }

        List<Path> files = images == null ? CamerasPhotos.defaultFiles(CamerasPhotos.defaultImagesDir())
                : Arrays.stream(images.split(",")).map(String::strip).map(Path::of).toList();
        List<CamerasPhotos.Photo> photos = CamerasPhotos.load(files, maxSide, (float) quality);
        err.printf(Locale.ROOT, "cameras: %d cameras x %.1f fps -> %s on %s for %.0f s, %d photos (%s)%n", cameras, fps,
                topic, bootstrap, duration, photos.size(), summary(photos));
        return send(bootstrap, topic, cameras, fps, duration, maxFrames, photos);
    }

    private static String summary(List<CamerasPhotos.Photo> photos) {
        long bytes = photos.stream().mapToLong(p -> p.jpeg().length).sum();
        return "JPEG, " + bytes / photos.size() / 1024 + " KiB on average";
    }

    private int send(String bootstrap, String topic, int cameras, double fps, double duration, long maxFrames,
                     List<CamerasPhotos.Photo> photos) throws InterruptedException {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "mobilenet-cameras");
        AtomicLong sent = new AtomicLong(), errors = new AtomicLong();
        long[] seq = new long[cameras];
        CountDownLatch finished = new CountDownLatch(cameras);
        long start = System.nanoTime();
        long periodNs = Math.round(1e9 / fps);
        long endNs = start + Math.round(duration * 1e9);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cameras-clock");
            t.setDaemon(true);
            return t;
        });
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
        Thread hook = new Thread(() -> {
            // SIGTERM or Ctrl-C: stop filming, deliver what was sent, report.
            clock.shutdownNow();
            producer.close(java.time.Duration.ofSeconds(10));
            report(sent.get(), errors.get(), cameras, (System.nanoTime() - start) / 1e9);
        }, "cameras-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        for (int c = 0; c < cameras; c++) {
            int camera = c;
            String id = "cam-" + (c + 1);
            byte[] key = id.getBytes(StandardCharsets.UTF_8);
            // Cameras start spread over one period, as real ones are not synchronised.
            long phase = periodNs * c / cameras;
            clock.scheduleAtFixedRate(() -> {
                if (System.nanoTime() >= endNs || seq[camera] >= maxFrames) {
                    if (seq[camera] != Long.MIN_VALUE) {
                        seq[camera] = Long.MIN_VALUE;
                        finished.countDown();
                    }
                    return;
                }
                long n = seq[camera]++;
                CamerasPhotos.Photo photo = photos.get((int) ((camera + n) % photos.size()));
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, key, photo.jpeg());
                header(r, "camera-id", id);
                header(r, "frame-seq", Long.toString(n));
                header(r, "capture-ts", Long.toString(System.currentTimeMillis()));
                header(r, "content-type", "image/jpeg");
                header(r, PHOTO, photo.name());
                if (photo.expectedLabel() != null) {
                    header(r, EXPECTED_LABEL, photo.expectedLabel());
                }
                producer.send(r, (meta, e) -> {
                    if (e == null) {
                        sent.incrementAndGet();
                    } else if (errors.incrementAndGet() <= 5) {
                        err.println("cameras: send failed: " + e);
                    }
                });
            }, phase, periodNs, TimeUnit.NANOSECONDS);
        }
        finished.await();
        clock.shutdownNow();
        producer.flush();
        Runtime.getRuntime().removeShutdownHook(hook);
        producer.close();
        report(sent.get(), errors.get(), cameras, (System.nanoTime() - start) / 1e9);
        return errors.get() == 0 ? 0 : 1;
    }

    private void report(long sent, long errors, int cameras, double seconds) {
        err.printf(Locale.ROOT, "cameras: sent %d frames in %.1f s (%.1f frames/s), %d send errors%n",
                sent, seconds, sent / seconds, errors);
        out.printf(Locale.ROOT, "{\"frames_sent\": %d, \"send_errors\": %d, \"cameras\": %d, \"seconds\": %.1f, \"fps\": %.2f}%n",
                sent, errors, cameras, seconds, sent / seconds);
        out.flush();
    }

    private static void header(ProducerRecord<byte[], byte[]> r, String name, String value) {
        r.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
