package org.flinkmobilenet.engine.kernels;

import java.util.logging.Logger;

/**
 * The one place that decides which kernels run, once per JVM, and logs the choice.
 *
 * <p>System properties:
 * <ul>
 *   <li>{@code mobilenet.kernels}: {@code auto} (default: the tuned Vector API kernels when the JVM
 *       has the {@code jdk.incubator.vector} module, else the reference kernels), {@code vector}
 *       (tuned, fail if the module is missing) or {@code reference} (force the plain-loop kernels);</li>
 *   <li>{@code mobilenet.vector.bits}: 128, 256 or 512 forces a vector width (default: the CPU's
 *       preferred width);</li>
 *   <li>{@code mobilenet.fuse}: {@code false} (default) runs every layer on its own; {@code true} runs
 *       a depthwise layer and the pointwise layer after it as one kernel, keeping the depthwise output
 *       in cache. Since the arena is 64-byte aligned the unfused layers are faster here (v1 1.0/224,
 *       {@code ./mobilenet bench --sections network}, 8 alternating runs: 5.90 ms median unfused,
 *       6.26 ms fused, unfused faster in all 8), so fusion is an option, not the default.</li>
 * </ul>
 * The tuned kernels need the JVM flag {@code --add-modules jdk.incubator.vector}.
 */
public final class KernelSelector {

    public static final String PROPERTY = "mobilenet.kernels";
    public static final String FUSE_PROPERTY = "mobilenet.fuse";

    private static final Logger LOG = Logger.getLogger(KernelSelector.class.getName());
    private static volatile KernelSet chosen;

    private KernelSelector() {}

    /** The kernels this JVM uses, chosen (and logged) once. */
    public static KernelSet kernels() {
        KernelSet k = chosen;
        if (k == null) {
            synchronized (KernelSelector.class) {
                if (chosen == null) {
                    chosen = choose(System.getProperty(PROPERTY, "auto"));
                }
                k = chosen;
            }
        }
        return k;
    }

    /** Whether to fuse depthwise and pointwise layers (see {@link #FUSE_PROPERTY}). */
    public static boolean fuse() {
        return Boolean.parseBoolean(System.getProperty(FUSE_PROPERTY, "false"));
    }

    /** True when this JVM was started with the incubator vector module. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The tuned kernels; fails when the incubator module is missing. For tests and benchmarks. */
    public static KernelSet vector() {
        if (!vectorModulePresent()) {
            throw new IllegalStateException("the tuned kernels need the JVM flag --add-modules jdk.incubator.vector");
        }
        return VectorKernelSet.INSTANCE;
    }

    static KernelSet choose(String wanted) {
        KernelSet set;
        String why;
        boolean fellBack = false;
        switch (wanted.strip()) {
            case "reference" -> {
                set = ReferenceKernelSet.INSTANCE;
                why = "forced by -D" + PROPERTY + "=reference";
            }
            case "vector" -> {
                set = vector();
                why = "forced by -D" + PROPERTY + "=vector";
            }
            case "auto" -> {
                if (vectorModulePresent()) {
                    set = VectorKernelSet.INSTANCE;
                    why = "jdk.incubator.vector present";
                } else {
                    set = ReferenceKernelSet.INSTANCE;
                    fellBack = true;
                    why = "jdk.incubator.vector is not in this JVM (add --add-modules jdk.incubator.vector "
                            + "for the tuned kernels); falling back to the reference kernels, 20-100x slower";
                }
            }
            default -> throw new IllegalArgumentException(PROPERTY + " must be auto, vector or reference, was '" + wanted + "'");
        }
        if (fellBack) {
            LOG.warning("MobileNet kernels: " + set.name() + " (" + why + ")");
        } else {
            LOG.info("MobileNet kernels: " + set.name() + " (" + why + ")");
        }
        return set;
    }
}
