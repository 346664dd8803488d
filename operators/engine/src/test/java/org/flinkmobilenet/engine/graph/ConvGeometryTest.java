package org.flinkmobilenet.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** TensorFlow SAME/VALID padding as TFLite computes it (tensorflow/lite/kernels/padding.h semantics). */
class ConvGeometryTest {

    private static void assertGeometry(ConvGeometry g, int outH, int top, int bottom) {
        assertEquals(outH, g.outH(), "output size");
        assertEquals(top, g.padTop(), "pad before");
        assertEquals(bottom, g.padBottom(), "pad after");
    }

    @Test
    void sameStride1KeepsSizeWithSymmetricPads() {
        assertGeometry(ConvGeometry.of(7, 7, 3, 3, 1, 1, Padding.SAME), 7, 1, 1);
        assertGeometry(ConvGeometry.of(6, 6, 3, 3, 1, 1, Padding.SAME), 6, 1, 1);
    }

    @Test
    void sameStride2OnEvenInputPutsTheExtraPadAtTheBottom() {
        // 224 -> 112: total pad (112-1)*2 + 3 - 224 = 1, all of it after.
        assertGeometry(ConvGeometry.of(224, 224, 3, 3, 2, 2, Padding.SAME), 112, 0, 1);
        // 8 -> 4: total pad 3*2 + 3 - 8 = 1.
        assertGeometry(ConvGeometry.of(8, 8, 3, 3, 2, 2, Padding.SAME), 4, 0, 1);
    }

    @Test
    void sameStride2OnOddInputPadsBothSides() {
        // 7 -> 4: total pad 3*2 + 3 - 7 = 2, one each side.
        assertGeometry(ConvGeometry.of(7, 7, 3, 3, 2, 2, Padding.SAME), 4, 1, 1);
        // 15 -> 8: total 7*2 + 3 - 15 = 2.
        assertGeometry(ConvGeometry.of(15, 15, 3, 3, 2, 2, Padding.SAME), 8, 1, 1);
        // 1 -> 1: total 0 + 3 - 1 = 2.
        assertGeometry(ConvGeometry.of(1, 1, 3, 3, 2, 2, Padding.SAME), 1, 1, 1);
    }

    @Test
    void validHasNoPadding() {
        assertGeometry(ConvGeometry.of(7, 7, 3, 3, 2, 2, Padding.VALID), 3, 0, 0);
        assertGeometry(ConvGeometry.of(8, 8, 3, 3, 2, 2, Padding.VALID), 3, 0, 0);
        assertGeometry(ConvGeometry.of(7, 7, 7, 7, 1, 1, Padding.VALID), 1, 0, 0);
    }

    @Test
    void rowsAndColumnsAreIndependent() {
        ConvGeometry g = ConvGeometry.of(15, 17, 3, 3, 2, 2, Padding.SAME);
        assertEquals(8, g.outH());
        assertEquals(9, g.outW());
        assertEquals(1, g.padTop());
        assertEquals(1, g.padBottom());
        assertEquals(1, g.padLeft());
        assertEquals(1, g.padRight());
    }

    @Test
    void inconsistentOutputIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConvGeometry(8, 8, 3, 3, 2, 2, 1, 1, 1, 1, 5, 4));
        assertEquals(true, e.getMessage().contains("expected 4x4"), e.getMessage());
    }
}
