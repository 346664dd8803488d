package org.flinkmobilenet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.flinkmobilenet.engine.builder.MobileNetV1Builder;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.Node;
import org.flinkmobilenet.engine.model.ModelFiles;
import org.junit.jupiter.api.Test;

class MemoryPlanTest {

    /** Values alive at the same time (between their producer and last reader) must not overlap. */
    private static void assertNoLiveOverlap(Graph g, MemoryPlan plan) {
        List<Node> nodes = g.nodes();
        int n = g.values().size();
        int[] first = new int[n], last = new int[n];
        java.util.Arrays.fill(first, Integer.MAX_VALUE);
        java.util.Arrays.fill(last, -2);
        first[0] = -1;
        for (int i = 0; i < nodes.size(); i++) {
            for (int v : nodes.get(i).inputs()) {
                last[v] = Math.max(last[v], i);
            }
            first[nodes.get(i).output()] = i;
            last[nodes.get(i).output()] = Math.max(last[nodes.get(i).output()], i);
        }
        last[g.output()] = nodes.size();
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                boolean live = first[a] <= last[b] && first[b] <= last[a];
                boolean overlap = plan.offset(a) < plan.offset(b) + g.shapeOf(b).size()
                        && plan.offset(b) < plan.offset(a) + g.shapeOf(a).size();
                boolean sameStorage = plan.offset(a) == plan.offset(b) && g.shapeOf(a).size() == g.shapeOf(b).size();
                if (live && overlap && !sameStorage) {
                    throw new AssertionError("values " + g.values().get(a).name() + " and " + g.values().get(b).name()
                            + " are alive together but share memory");
                }
                assertTrue(plan.offset(a) + g.shapeOf(a).size() <= plan.size());
            }
        }
    }

    @Test
    void v1ArenaIsTwoLargestActivationsNotTheirSum() {
        Graph g = new MobileNetV1Builder().build();
        MemoryPlan plan = MemoryPlan.of(g);
        assertNoLiveOverlap(g, plan);
        // the largest pair alive together: 112x112x64 (pointwise 1 out) and 112x112x32 (its input)
        assertEquals(112 * 112 * 64 + 112 * 112 * 32, plan.size());
        long sum = g.values().stream().mapToLong(v -> v.shape().size()).sum();
        assertTrue(plan.size() < sum / 3, plan.size() + " vs " + sum);
    }

    @Test
    void v2ResidualValuesStayAliveUntilTheirAdd() throws Exception {
        Graph g = ModelFiles.load(TestData.model("mobilenet_v2/mobilenet_v2_1.0_224_quant.tflite").toString());
        assertNoLiveOverlap(g, MemoryPlan.of(g));
    }

    @Test
    void reshapeSharesItsInputsMemory() throws Exception {
        Graph g = ModelFiles.load(TestData.model("mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite").toString());
        MemoryPlan plan = MemoryPlan.of(g);
        for (Node node : g.nodes()) {
            if (node instanceof org.flinkmobilenet.engine.graph.Reshape r) {
                assertEquals(plan.offset(r.input()), plan.offset(r.output()));
            }
        }
        assertNoLiveOverlap(g, plan);
    }
}
