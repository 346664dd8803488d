package org.flinkmobilenet.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.flinkmobilenet.engine.graph.Graph;
import org.flinkmobilenet.engine.graph.Node;
import org.flinkmobilenet.engine.graph.Reshape;

/**
 * Where each activation value lives in an engine's arena. Values whose lifetimes overlap get disjoint
 * ranges; the others share memory, so the arena is a few of the largest activations, not their sum.
 * Offsets are per batch item: an engine for batches of up to B multiplies every offset by B, which
 * keeps a value's B items contiguous and the ranges disjoint.
 */
public final class MemoryPlan {

    private final int[] offsets; // (values) start of each value, in floats per batch item
    private final int size;      // floats per batch item

    private MemoryPlan(int[] offsets, int size) {
        this.offsets = offsets;
        this.size = size;
    }

    public int offset(int value) {
        return offsets[value];
    }

    /** Arena floats needed per batch item. */
    public int size() {
        return size;
    }

    public static MemoryPlan of(Graph graph) {
        return of(graph, java.util.Set.of());
    }

    /**
     * Greedy by size: the largest values are placed first, each at the lowest offset that does not
     * overlap a placed value alive at the same time. A reshape's output shares its input's storage.
     *
     * @param fused indices of depthwise nodes fused with the pointwise node after them: the pair reads
     *              its input while it writes its output, so the input lives until the pointwise node;
     *              the depthwise output never reaches the arena and gets no room
     */
    public static MemoryPlan of(Graph graph, java.util.Set<Integer> fused) {
        int n = graph.values().size();
        List<Node> nodes = graph.nodes();
        int[] root = new int[n];
        for (int v = 0; v < n; v++) {
            root[v] = v;
        }
        for (Node node : nodes) {
            if (node instanceof Reshape r) {
                root[r.output()] = root[r.input()];
            }
        }
        int[] first = new int[n];
        int[] last = new int[n];
        Arrays.fill(first, Integer.MAX_VALUE);
        Arrays.fill(last, -2);
        first[root[0]] = -1;
        last[root[0]] = -1;
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            for (int v : node.inputs()) {
                last[root[v]] = Math.max(last[root[v]], i);
            }
            int r = root[node.output()];
            first[r] = Math.min(first[r], i);
            last[r] = Math.max(last[r], i);
        }
        last[root[graph.output()]] = nodes.size();
        boolean[] skip = new boolean[n];
        for (int i : fused) {
            Node dw = nodes.get(i);
            int in = root[dw.inputs()[0]];
            last[in] = Math.max(last[in], i + 1);
            skip[root[dw.output()]] = true;
        }

        List<Integer> roots = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            if (root[v] == v && last[v] >= -1 && !skip[v]) {
                roots.add(v);
            }
        }
        roots.sort(Comparator.comparingInt((Integer v) -> -graph.shapeOf(v).size()).thenComparingInt(v -> v));

        int[] offsets = new int[n];
        List<Integer> placed = new ArrayList<>();
        int total = 0;
        for (int v : roots) {
            int need = graph.shapeOf(v).size();
            List<int[]> busy = new ArrayList<>();
            for (int p : placed) {
                if (first[p] <= last[v] && first[v] <= last[p]) {
                    busy.add(new int[] {offsets[p], offsets[p] + graph.shapeOf(p).size()});
                }
            }
            busy.sort(Comparator.comparingInt(r -> r[0]));
            int at = 0;
            for (int[] r : busy) {
                if (at + need <= r[0]) {
                    break;
                }
                at = Math.max(at, r[1]);
            }
            offsets[v] = at;
            placed.add(v);
            total = Math.max(total, at + need);
        }
        for (int v = 0; v < n; v++) {
            offsets[v] = offsets[root[v]];
        }
        return new MemoryPlan(offsets, total);
    }
}
