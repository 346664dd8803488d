package org.flinkmobilenet.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.flinkmobilenet.engine.MobileNetModel;
import org.flinkmobilenet.engine.model.ModelLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedModelsTest {

    static final String SMALL_MODEL = Path.of(System.getProperty("mobilenet.repo.root"),
            "models", "mobilenet_v1", "mobilenet_v1_0.25_128_quant.tflite").toString();

    @Test
    void slotsShareOneModelUntilTheLastLetsGo() throws Exception {
        SharedModels.Lease a = SharedModels.acquire(SMALL_MODEL, null);
        SharedModels.Lease b = SharedModels.acquire(SMALL_MODEL, null);
        MobileNetModel first = a.model();
        assertSame(first, b.model(), "the second slot must reuse the loaded model");
        assertEquals(2, SharedModels.users(SMALL_MODEL, null));
        a.close();
        a.close(); // closing twice gives back one hold only
        assertEquals(1, SharedModels.users(SMALL_MODEL, null));
        b.close();
        assertEquals(0, SharedModels.users(SMALL_MODEL, null));
        try (SharedModels.Lease c = SharedModels.acquire(SMALL_MODEL, null)) {
            assertNotSame(first, c.model(), "a model nobody holds is dropped, so it is loaded again");
        }
    }

    @Test
    void aBadModelFailsWithItsReasonAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        Path bad = Files.write(dir.resolve("broken.tflite"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> SharedModels.acquire(bad.toString(), null));
        assertTrue(e.getMessage().contains("broken.tflite"), e.getMessage());
        assertEquals(0, SharedModels.users(bad.toString(), null));
    }
}
