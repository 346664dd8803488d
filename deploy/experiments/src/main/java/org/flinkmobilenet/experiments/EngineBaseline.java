package org.flinkmobilenet.experiments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flinkmobilenet.engine.Classifier;
import org.flinkmobilenet.engine.MobileNetModel;
import org.flinkmobilenet.engine.image.ImageDecodeException;
import org.flinkmobilenet.engine.image.ImageDecoder;
import org.flinkmobilenet.engine.image.ImageFormat;
import org.flinkmobilenet.engine.image.ImageLimits;
import org.flinkmobilenet.engine.image.RgbImage;

/**
 * The engine alone, without Kafka and Flink: {@code threads} threads, each with its own
 * {@link Classifier} over one shared model (as the slots of a TaskManager), running batches as fast
 * as they go. Three modes:
 * <ul>
 *   <li>{@code infer}: inference only, on inputs filled once;</li>
 *   <li>{@code raw}: raw RGB24 at the model's size, handed over as the operator does (decodeRaw,
 *       preprocessing into the input) plus inference;</li>
 *   <li>{@code jpeg}: 640x480 JPEG decoded, resized and normalised, plus inference.</li>
 * </ul>
 * Each thread times its decode, preprocessing and inference; a batch counts when it finishes inside
 * the measured window, which follows a warm-up that is not counted.
 */
final class EngineBaseline {

    static final List<String> MODES = List.of("infer", "raw", "jpeg");
    static final long FRESH_WARM_MILLIS = 2000;

    record Result(double fps, long frames, CpuMeter.Usage cpu, double decodeShare, double preprocessShare,
                  double inferenceShare, double decodeMsPerFrame, double preprocessMsPerFrame, double inferenceMsPerFrame) {}

    private final Map<String, Classifier> classifiers = new HashMap<>(); // (model, batch, thread) -> warmed classifier
    private final CpuMeter cpu;

    EngineBaseline(CpuMeter cpu) {
        this.cpu = cpu;
    }

    /** Drops the classifiers (their arenas) so that later heap readings do not carry them. */
    void release() {
        classifiers.clear();
    }

    Result measure(MobileNetModel model, String mode, FrameSet jpeg, FrameSet raw, int threads, int batch,
                   long warmMillis, long measureMillis) throws InterruptedException {
        List<Classifier> mine = new ArrayList<>();
        boolean fresh = false;
        for (int t = 0; t < threads; t++) {
            String key = model.id() + "/" + batch + "/" + t;
            fresh |= !classifiers.containsKey(key);
            mine.add(classifiers.computeIfAbsent(key, k -> {
                Classifier c = new Classifier(model, batch, 1.0f);
                c.warmUp(10_000);
                return c;
            }));
        }
        // A classifier's first second on its new thread ran up to 2x slower in trials here (the JIT settling
        // after the warm-up), so a new one gets a longer uncounted warm-up.
        long warm = fresh ? Math.max(warmMillis, FRESH_WARM_MILLIS) : warmMillis;
        long start = System.nanoTime() + 50_000_000L; // threads start together
        long windowStart = start + warm * 1_000_000L, windowEnd = windowStart + measureMillis * 1_000_000L;
        List<Worker> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(new Worker(mine.get(t), mode, jpeg, raw, batch, t, windowStart, windowEnd));
        }
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(workers.get(t), "engine-baseline-" + t);
            thread.start();
            running.add(thread);
        }
        sleepUntil(windowStart);
        CpuMeter.Sample before = cpu.sample();
        sleepUntil(windowEnd);
        CpuMeter.Sample after = cpu.sample();
        for (Thread t : running) {
            t.join();
        }
        long frames = 0, decode = 0, pre = 0, infer = 0;
        for (Worker w : workers) {
            if (w.failure != null) {
                throw new IllegalStateException("engine baseline failed", w.failure);
            }
            frames += w.frames;
            decode += w.decodeNs;
            pre += w.preprocessNs;
            infer += w.inferenceNs;
        }
        double total = decode + pre + infer;
        return new Result(frames / (measureMillis / 1000.0), frames, after.since(before), decode / total, pre / total,
                infer / total, decode / 1e6 / frames, pre / 1e6 / frames, infer / 1e6 / frames);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, wait / 1_000_000), 0);
        }
    }

    private static final class Worker implements Runnable {
        private final Classifier classifier;
        private final String mode;
        private final List<byte[]> pictures;
        private final int side;
        private final int batch;
        private final long windowStart;
        private final long windowEnd;
        private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
        private int next;
        long frames, decodeNs, preprocessNs, inferenceNs;
        Exception failure;

        Worker(Classifier classifier, String mode, FrameSet jpeg, FrameSet raw, int batch, int thread, long windowStart,
               long windowEnd) {
            this.classifier = classifier;
            this.mode = mode;
            this.pictures = mode.equals("jpeg") ? jpeg.pictures() : raw.pictures();
            this.side = raw.side();
            this.batch = batch;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.next = thread * 3; // threads start on different pictures
        }

        @Override
        public void run() {
            try {
                if (mode.equals("infer")) {
                    for (int i = 0; i < batch; i++) {
                        classifier.setInput(i, picture());
                    }
                }
                long now;
                do {
                    long decode = 0, pre = 0;
                    if (!mode.equals("infer")) {
                        for (int i = 0; i < batch; i++) {
                            long t0 = System.nanoTime();
                            RgbImage image = picture();
                            long t1 = System.nanoTime();
                            classifier.setInput(i, image);
                            decode += t1 - t0;
                            pre += System.nanoTime() - t1;
                        }
                    }
                    long t2 = System.nanoTime();
                    classifier.run(batch);
                    now = System.nanoTime();
                    if (now >= windowStart && now < windowEnd) {
                        frames += batch;
                        decodeNs += decode;
                        preprocessNs += pre;
                        inferenceNs += now - t2;
                    }
                } while (now < windowEnd);
            } catch (Exception e) {
                failure = e;
            }
        }

        private RgbImage picture() throws ImageDecodeException {
            byte[] bytes = pictures.get(next++ % pictures.size());
            return mode.equals("jpeg") ? decoder.decode(bytes, ImageFormat.JPEG) : decoder.decodeRaw(bytes, side, side);
        }
    }
}
