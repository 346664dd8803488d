package org.flinkmobilenet.experiments;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Heap in use after full garbage collections: what is really held, not what is waiting to be collected. */
final class Heap {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Heap() {}

    /** Bytes of heap in use after two full collections (G1 runs System.gc() as a full, stop-the-world GC). */
    static long usedAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /** Bytes this thread has allocated so far (exact object sizes, whatever the collector makes of them). */
    static long allocatedByThisThread() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    static String collectors() {
        return String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList());
    }

    /**
     * G1's region size: an array of half a region or more is "humongous" and occupies whole regions,
     * so the heap an arena really takes is its size rounded up to regions.
     */
    static String g1RegionMegabytes() {
        try {
            var hs = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Long.toString(Long.parseLong(hs.getVMOption("G1HeapRegionSize").getValue()) >> 20);
        } catch (RuntimeException e) {
            return "n/a";
        }
    }

    /**
     * Bytes of all live objects, exactly, from the JVM's class histogram ({@code GC.class_histogram},
     * which runs a full GC first). Unlike heap occupancy it does not depend on how the collector laid
     * the objects out (G1's humongous regions, partly filled regions after compaction), which moved
     * readings of the same idle job by several MB here. With {@code -Dexperiments.histograms=DIR} the
     * whole histogram is written to DIR/{@code name}.txt as well.
     */
    static long liveBytes(String name) {
        String text;
        try {
            text = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()}));
        } catch (Exception e) {
            System.err.println("no class histogram: " + e);
            return -1;
        }
        String dir = System.getProperty("experiments.histograms");
        if (dir != null) {
            try {
                java.nio.file.Files.createDirectories(java.nio.file.Path.of(dir));
                java.nio.file.Files.writeString(java.nio.file.Path.of(dir, name + ".txt"), text);
            } catch (java.io.IOException e) {
                System.err.println("cannot write the class histogram: " + e);
            }
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("Total")) {
                String[] f = line.trim().split("\\s+");
                return Long.parseLong(f[f.length - 1]);
            }
        }
        return -1;
    }
}
