package org.flinkmobilenet.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.flinkmobilenet.engine.model.ModelLoadException;
import org.junit.jupiter.api.Test;

/**
 * Damaged files either load or fail with a {@link ModelLoadException}: never another exception, never
 * a hang. Every truncation of a small valid model, and seeded byte corruptions of it.
 */
class OnnxCorruptionTest {

    private static final byte[] GOOD = OnnxBadInputTest.valid().bytes();

    /** Loads, returning true on success; fails the test on anything but a ModelLoadException. */
    private static boolean loadsOrFailsCleanly(byte[] bytes, String what) {
        try {
            OnnxLoader.load("damaged.onnx", bytes, null);
            return true;
        } catch (ModelLoadException e) {
            assertTrue(e.getMessage().startsWith("damaged.onnx: "), what + ": " + e.getMessage());
            return false;
        } catch (Throwable t) {
            fail(what + ": " + t, t);
            return false;
        }
    }

    @Test
    void everyTruncationFailsCleanly() {
        int loaded = 0;
        for (int length = 0; length < GOOD.length; length++) {
            if (loadsOrFailsCleanly(Arrays.copyOf(GOOD, length), "truncated to " + length + " bytes")) {
                loaded++;
            }
        }
        // the opset import is written after the graph and this model has no metadata, so every truncation
        // loses part of the graph or of the opset
        assertTrue(loaded == 0, loaded + " truncations loaded");
    }

    @Test
    void corruptedBytesFailCleanly() {
        long seed = 20240917L;
        SplittableRandom random = new SplittableRandom(seed);
        int failed = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] damaged = GOOD.clone();
            int flips = 1 + random.nextInt(3);
            StringBuilder where = new StringBuilder("seed " + seed + ", case " + i + ":");
            for (int k = 0; k < flips; k++) {
                int at = random.nextInt(damaged.length);
                damaged[at] = (byte) random.nextInt(256);
                where.append(' ').append(at);
            }
            if (!loadsOrFailsCleanly(damaged, where.toString())) {
                failed++;
            }
        }
        assertTrue(failed > 0, "some corruptions must be detected");
    }
}
