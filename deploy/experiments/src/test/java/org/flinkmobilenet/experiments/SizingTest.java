package org.flinkmobilenet.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

/** The arithmetic behind the README's "beyond one machine" table. */
class SizingTest {

    private static double slotCapacity(double cpuMsPerFrame) {
        return Sizing.UTILISATION * 1000 / cpuMsPerFrame;
    }

    @Test
    void everyPlanFitsItsBusiestSlotAndOneSlotFewerWouldNot() {
        double[] costs = {8.63, 7.07, 2.99, 2.21, 0.5};
        int[][] fleets = {{100, 5}, {1000, 2}, {37, 3}, {8, 10}};
        for (double ms : costs) {
            for (int[] fleet : fleets) {
                for (boolean even : new boolean[] {false, true}) {
                    Sizing.Plan plan = Sizing.plan(fleet[0], fleet[1], ms, even);
                    String what = fleet[0] + " cameras x " + fleet[1] + " fps at " + ms + " ms, even " + even + ": " + plan;
                    int busiest = Sizing.busiestSlot(fleet[0], plan.slots(), plan.maxParallelism());
                    assertTrue(busiest * fleet[1] <= slotCapacity(ms) || plan.slots() >= fleet[0], what);
                    // never fewer slots than the total load needs, even if the keys were spread perfectly
                    assertTrue(plan.slots() >= Math.ceil(fleet[0] * fleet[1] / slotCapacity(ms)) - 1e-9, what);
                    int fewer = plan.slots() - 1;
                    if (fewer >= Math.max(1, Math.ceil(fleet[0] * fleet[1] / slotCapacity(ms)))) {
                        int maxP = even ? 32 * fewer : KeyGroupRangeAssignment.computeDefaultMaxParallelism(fewer);
                        assertTrue(Sizing.busiestSlot(fleet[0], fewer, maxP) * fleet[1] > slotCapacity(ms), what);
                    }
                    assertEquals((plan.slots() + 1) / 2, plan.taskManagers(), what);
                    assertEquals(2 * plan.taskManagers(), plan.cores(), what);
                    assertEquals(plan.slots(), plan.partitions(), what);
                    assertTrue(plan.busiestOverMean() >= 1.0, what);
                }
            }
        }
    }

    @Test
    void theBusiestSlotIsTheLargestShareOfFlinksOwnAssignment() {
        int cameras = 1000, slots = 7, maxP = KeyGroupRangeAssignment.computeDefaultMaxParallelism(slots);
        int[] per = new int[slots];
        for (int i = 0; i < cameras; i++) {
            per[KeyGroupRangeAssignment.assignKeyToParallelOperator("cam-" + i, maxP, slots)]++;
        }
        int max = 0, sum = 0;
        for (int n : per) {
            max = Math.max(max, n);
            sum += n;
        }
        assertEquals(cameras, sum);
        assertEquals(max, Sizing.busiestSlot(cameras, slots, maxP));
        assertTrue(max > cameras / slots, "hashing is never perfectly even for 1000 ids over 7 slots: " + max);
    }

    @Test
    void statsTakeMediansAndNearestRankQuantilesIgnoringFailedRepeats() {
        assertEquals(2.0, Stats.median(new double[] {3, Double.NaN, 1, 2}));
        assertEquals(2.5, Stats.median(new double[] {4, 1, 2, 3}));
        assertEquals(99.0, Stats.quantile(new double[] {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
                28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52,
                53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77,
                78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100}, 0.99));
        assertEquals(2.0, Stats.slope(new double[] {0, 1, 2, 3}, new double[] {1, 3, 5, 7}), 1e-12);
        assertTrue(Double.isNaN(Stats.median(new double[] {Double.NaN})));
    }
}
