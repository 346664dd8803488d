package org.flinkmobilenet.operators;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.flinkmobilenet.engine.MobileNetModel;
import org.flinkmobilenet.engine.Models;

/**
 * One loaded and packed model per (model spec, labels file) per JVM, shared read-only by every slot,
 * and dropped when the last slot using it closes.
 *
 * <p>Flink loads a job's classes through one class loader per job and TaskManager, so "per JVM"
 * here means per job per TaskManager: the slots of one job share the weights; two jobs do not.
 * A slot that asks while another is loading the same model waits for it instead of loading twice.
 */
public final class SharedModels {

    private record Key(String spec, String labels) {}

    private static final class Entry {
        final MobileNetModel model;
        final double loadMs;
        int users;

        Entry(MobileNetModel model, double loadMs) {
            this.model = model;
            this.loadMs = loadMs;
        }
    }

    private static final Map<Key, Entry> MODELS = new HashMap<>(); // guarded by SharedModels.class

    private SharedModels() {}

    /** A slot's hold on a shared model; close it exactly once, in the operator's close(). */
    public static final class Lease implements AutoCloseable {
        private final Key key;
        private final Entry entry;
        private boolean closed;

        private Lease(Key key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        public MobileNetModel model() {
            return entry.model;
        }

        /** How long the shared load took (not the wait of a slot that found it loaded). */
        public double loadMs() {
            return entry.loadMs;
        }

        @Override
        public void close() {
            synchronized (SharedModels.class) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--entry.users == 0) {
                    MODELS.remove(key, entry);
                }
            }
        }
    }

    /** The shared model for {@code spec}, loading and compiling it if no slot holds it now. */
    public static Lease acquire(String spec, String labelsFile) throws IOException {
        Key key = new Key(spec, labelsFile);
        synchronized (SharedModels.class) {
            Entry entry = MODELS.get(key);
            if (entry == null) {
                long start = System.nanoTime();
                MobileNetModel model = Models.load(spec, labelsFile == null ? null : Path.of(labelsFile));
                entry = new Entry(model, (System.nanoTime() - start) / 1e6);
                MODELS.put(key, entry);
            }
            entry.users++;
            return new Lease(key, entry);
        }
    }

    /** Slots holding the model of {@code spec} now (0 if it is not loaded). */
    public static int users(String spec, String labelsFile) {
        synchronized (SharedModels.class) {
            Entry e = MODELS.get(new Key(spec, labelsFile));
            return e == null ? 0 : e.users;
        }
    }
}
