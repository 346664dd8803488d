package org.flinkmobilenet.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.ConvGeometry;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.Padding;
import org.flinkmobilenet.engine.graph.Shape;
import org.junit.jupiter.api.Test;

/** The packed weights of a compiled model, moved into one array at 64-byte steps, give the same results. */
class WeightArenaTest {

    private static final KernelSet TUNED = KernelSelector.vector();

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void gatheredWeightsShareOneAlignedArrayAndGiveTheSameFloats() {
        SplittableRandom r = new SplittableRandom(11);
        int v = VectorWidth.SPECIES.length();
        // odd output counts (partial last vectors, every block width), a direct and an im2col convolution, a dense layer
        int[] couts = {4 * v + 2 * v + v + 3, v / 2 + 1, 2 * v};
        List<Kernel> kernels = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>(); // (input floats, output floats)
        for (int cout : couts) {
            ConvGeometry pw = ConvGeometry.of(5, 7, 1, 1, 1, 1, Padding.VALID);
            kernels.add(TUNED.conv2d(new Conv2d("pw", 0, 1, pw, 13, cout, random(r, 13 * cout), random(r, cout), Activation.RELU6)));
            sizes.add(new int[] {5 * 7 * 13, 5 * 7 * cout});
            ConvGeometry first = ConvGeometry.of(11, 11, 3, 3, 2, 2, Padding.SAME);
            kernels.add(TUNED.conv2d(new Conv2d("conv", 0, 1, first, 3, cout, random(r, 27 * cout), random(r, cout), Activation.RELU6)));
            sizes.add(new int[] {11 * 11 * 3, 6 * 6 * cout});
            ConvGeometry deep = ConvGeometry.of(5, 5, 3, 3, 1, 1, Padding.SAME);
            kernels.add(TUNED.conv2d(new Conv2d("conv", 0, 1, deep, 9, cout, random(r, 81 * cout), random(r, cout), Activation.NONE)));
            sizes.add(new int[] {5 * 5 * 9, 5 * 5 * cout});
            kernels.add(TUNED.fullyConnected(new FullyConnected("fc", 0, 1, 21, cout, random(r, 21 * cout), random(r, cout), Activation.NONE)));
            sizes.add(new int[] {21, cout});
        }
        List<float[]> before = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < kernels.size(); i++) {
            inputs.add(random(r, sizes.get(i)[0]));
            before.add(run(kernels.get(i), inputs.get(i), sizes.get(i)[1]));
        }
        long floats = WeightArena.gather(kernels);

        float[] shared = null;
        long used = WeightArena.LEAD;
        for (Kernel k : kernels) {
            assertEquals(1, k.packed().size(), k.name());
            PackedWeights w = (PackedWeights) k.packed().get(0);
            if (shared == null) {
                shared = w.data;
            }
            assertSame(shared, w.data, k.name() + ": not in the one weight array");
            for (int off : w.offset) {
                assertEquals(0, (off - WeightArena.LEAD) % 16, k.name() + ": block at " + off + " is not 16 floats past the lead");
            }
            used += (w.floats() + 15) / 16 * 16;
        }
        assertEquals(used, floats);
        assertEquals(floats, shared.length);
        for (int i = 0; i < kernels.size(); i++) {
            assertArrayEquals(before.get(i), run(kernels.get(i), inputs.get(i), sizes.get(i)[1]), 0f,
                    kernels.get(i).name() + " " + i + ": other floats after the move");
        }
    }

    @Test
    void kernelsWithoutPackedWeightsLeaveNothingToGather() {
        Kernel add = TUNED.add(new Add("a", 0, 1, 2, Activation.NONE), new Shape(2, 2, 3));
        assertTrue(add.packed().isEmpty());
        assertEquals(0, WeightArena.gather(List.of(add)));
    }

    private static float[] run(Kernel k, float[] input, int outFloats) {
        float[] arena = new float[input.length + outFloats + Kernel.SLACK];
        System.arraycopy(input, 0, arena, 0, input.length);
        k.step().run(arena, new int[] {0, input.length}, 1, new float[k.scratchFloats() + Kernel.SLACK]);
        return java.util.Arrays.copyOfRange(arena, input.length, input.length + outFloats);
    }
}
