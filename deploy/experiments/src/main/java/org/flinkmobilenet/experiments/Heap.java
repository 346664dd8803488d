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
}
