package org.flinkmobilenet.engine.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class InputNormalizationTest {

    @Test
    void namedAndExplicitForms() {
        assertEquals(InputNormalization.IMAGENET, InputNormalization.parse("ImageNet"));
        assertEquals(InputNormalization.MINUS_ONE_TO_ONE, InputNormalization.parse("minus-one-to-one"));
        assertEquals(InputNormalization.MINUS_ONE_TO_ONE, InputNormalization.parse("[-1,1]"));
        InputNormalization n = InputNormalization.parse("mean=1,2,3; std=4");
        assertArrayEquals(new float[] {1, 2, 3}, n.mean());
        assertArrayEquals(new float[] {4, 4, 4}, n.std());
    }

    @Test
    void badFormsSayWhatIsExpected() {
        for (String bad : new String[] {"sideways", "mean=1", "mean=1,2;std=1", "mean=a;std=1", "std=0;mean=1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputNormalization.parse(bad));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("imagenet")
                    || e.getMessage().contains("positive"), bad + ": " + e.getMessage());
        }
    }
}
