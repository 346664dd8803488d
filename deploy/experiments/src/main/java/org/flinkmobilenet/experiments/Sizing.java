package org.flinkmobilenet.experiments;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * How many slots, TaskManagers, cores and Kafka partitions a fleet of cameras needs, from the CPU a
 * frame costs in the job (measured) and from how Flink spreads camera ids over slots (computed with
 * Flink's own key-group assignment, not assumed even).
 *
 * <p>A slot keeps up while its cameras' frames cost at most {@link #UTILISATION} of one core: the
 * load sweep shows the backlog staying flat and the latency near its floor there, and the margin
 * absorbs bursts, the key imbalance and GC. A TaskManager is a 2-core box with 2 slots, like the one
 * measured.
 */
final class Sizing {

    static final double UTILISATION = 0.7;
    static final int CORES_PER_TM = 2;

    /** Slots, TaskManagers, cores, partitions; the busiest slot's load against the mean; the key-group count used. */
    record Plan(int cameras, double fpsPerCamera, int slots, int taskManagers, int cores, int partitions,
                double busiestOverMean, int maxParallelism) {}

    private Sizing() {}

    /**
     * The fewest slots such that the busiest one (with the camera ids "cam-0".."cam-N-1" spread by
     * keyBy over the key groups) stays within {@link #UTILISATION} of a core. Key groups: Flink's
     * default for that parallelism (128 up to 85 slots), or, {@code evenKeyGroups}, 32 per slot, so
     * that every slot owns the same number of key groups and only the hashing of the ids is uneven.
     */
    static Plan plan(int cameras, double fpsPerCamera, double cpuMsPerFrame, boolean evenKeyGroups) {
        double slotCapacity = UTILISATION * 1000 / cpuMsPerFrame; // frames/s one slot takes at 70 % of a core
        int slots = Math.max(1, (int) Math.ceil(cameras * fpsPerCamera / slotCapacity));
        while (true) {
            int maxParallelism = evenKeyGroups ? 32 * slots : KeyGroupRangeAssignment.computeDefaultMaxParallelism(slots);
            int busiest = busiestSlot(cameras, slots, maxParallelism);
            if (busiest * fpsPerCamera <= slotCapacity || slots >= cameras) {
                int tms = (slots + CORES_PER_TM - 1) / CORES_PER_TM;
                double mean = (double) cameras / slots;
                return new Plan(cameras, fpsPerCamera, slots, tms, tms * CORES_PER_TM, slots, busiest / mean, maxParallelism);
            }
            slots++;
        }
    }

    /** Cameras on the busiest of {@code slots} classify subtasks. */
    static int busiestSlot(int cameras, int slots, int maxParallelism) {
        int[] perSlot = new int[slots];
        for (int i = 0; i < cameras; i++) {
            perSlot[KeyGroupRangeAssignment.assignKeyToParallelOperator("cam-" + i, maxParallelism, slots)]++;
        }
        int max = 0;
        for (int n : perSlot) {
            max = Math.max(max, n);
        }
        return max;
    }
}
