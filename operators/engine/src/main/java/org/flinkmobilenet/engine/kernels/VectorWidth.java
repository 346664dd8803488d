package org.flinkmobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector species every tuned kernel uses, fixed once per JVM as a {@code static final}
 * constant (read from a non-final field, the same kernel ran 30x slower). System property
 * {@code mobilenet.vector.bits} (128, 256 or 512) forces a width; the default is the CPU's preferred.
 *
 * <p>Only touched after {@link KernelSelector} found the incubator module.
 */
final class VectorWidth {

    static final String PROPERTY = "mobilenet.vector.bits";

    static final VectorSpecies<Float> SPECIES = choose();

    /**
     * 0, 1, 2, ...: {@code fromArray(SPECIES, LANE_INDEX, 0).compare(LT, n)} is the mask of lanes 0..n-1.
     * Kernels write that expression where they use the mask (its methods are force-inlined, so C2
     * knows the mask's exact type); through a helper method of ours it was sometimes not inlined and
     * the mask was boxed. {@code indexInRange} is no better in Java 17: it checks lanes with an index
     * vector C2 does not intrinsify.
     */
    static final float[] LANE_INDEX = new float[64];

    static {
        for (int i = 0; i < LANE_INDEX.length; i++) {
            LANE_INDEX[i] = i;
        }
    }

    private VectorWidth() {}

    private static VectorSpecies<Float> choose() {
        String bits = System.getProperty(PROPERTY);
        if (bits == null || bits.isBlank()) {
            return FloatVector.SPECIES_PREFERRED;
        }
        return switch (bits.strip()) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(PROPERTY + " must be 128, 256 or 512, was '" + bits + "'");
        };
    }

    static int bits() {
        return SPECIES.vectorBitSize();
    }

    /** True when the hardware runs this width natively (not emulated in smaller pieces or in Java). */
    static boolean isNative() {
        return SPECIES.vectorBitSize() <= VectorShape.preferredShape().vectorBitSize();
    }
}
