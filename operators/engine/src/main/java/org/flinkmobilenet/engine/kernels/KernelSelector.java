package org.flinkmobilenet.engine.kernels;

import java.util.logging.Logger;

/**
 * The one place that decides which kernels run. Today only the reference kernels exist; the tuned
 * Vector API kernels slot in here.
 *
 * <p>System property {@code mobilenet.kernels}: {@code reference} forces the reference kernels.
 */
public final class KernelSelector {

    public static final String PROPERTY = "mobilenet.kernels";

    private static final Logger LOG = Logger.getLogger(KernelSelector.class.getName());
    private static volatile KernelSet chosen;

    private KernelSelector() {}

    /** The kernels this JVM uses, chosen (and logged) once. */
    public static KernelSet kernels() {
        KernelSet k = chosen;
        if (k == null) {
            synchronized (KernelSelector.class) {
                if (chosen == null) {
                    chosen = choose();
                }
                k = chosen;
            }
        }
        return k;
    }

    private static KernelSet choose() {
        String wanted = System.getProperty(PROPERTY, "auto");
        KernelSet set = ReferenceKernelSet.INSTANCE;
        LOG.info("MobileNet kernels: " + set.name() + " (" + PROPERTY + "=" + wanted + ")");
        return set;
    }
}
