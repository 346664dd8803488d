package org.flinkmobilenet.engine.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonTest {

    /** The definition: String.format's digits, trailing zeros and a trailing point dropped, "-0" as "0". */
    private static String formatted(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s.equals("-0") ? "0" : s;
    }

    @Test
    void numbersAsTheLabelsShowThem() {
        assertEquals("0.2", Json.number(0.15, 1)); // half up on the shortest decimal, as String.format
        assertEquals("0.3", Json.number(0.1 + 0.2, 6));
        assertEquals("0", Json.number(-0.0, 3));
        assertEquals("0", Json.number(-1e-9, 6));
        assertEquals("3", Json.number(2.5, 0));
        assertEquals("123.45", Json.number(123.4500, 4));
        assertEquals("1000000000000000", Json.number(1e15, 3));
        assertEquals("-7.125", Json.number(-7.125, 6));
        assertEquals("null", Json.number(Double.NaN, 3));
        assertEquals("null", Json.number(Double.NEGATIVE_INFINITY, 3));
    }

    @Test
    void numbersMatchStringFormatEverywhere() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextDouble();                                   // scores
                case 1 -> (float) r.nextDouble();                           // float scores widened
                case 2 -> Math.round(r.nextDouble() * 1e6) / 1e6 + (r.nextBoolean() ? 5e-7 : -5e-7); // near ties
                default -> (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(14) - 5);
            };
            for (int decimals : new int[] {0, 1, 3, 6}) {
                assertEquals(formatted(v, decimals), Json.number(v, decimals), v + " with " + decimals + " decimals");
            }
        }
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", Json.quote("a\"b\\c\n\u0001"));
        assertEquals("null", Json.quote(null));
    }
}
