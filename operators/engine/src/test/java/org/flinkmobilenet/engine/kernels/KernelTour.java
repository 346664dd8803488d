package org.flinkmobilenet.engine.kernels;

import java.util.SplittableRandom;
import org.flinkmobilenet.engine.graph.Activation;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.ConvGeometry;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.Padding;

/**
 * Runs every tuned kernel method once (every micro-kernel shape, remainder and masked path). Started
 * in a JVM that compiles each method with C1 on first call, it shows which methods C1 cannot compile
 * (see {@link C1CompilationTest}).
 */
public final class KernelTour {

    private KernelTour() {}

    public static void main(String[] args) {
        KernelSet k = KernelSelector.vector();
        int v = VectorWidth.SPECIES.length();
        SplittableRandom r = new SplittableRandom(1);
        for (int cout : new int[] {4 * v, 2 * v, v, v / 2, 4 * v + 2 * v + v + 3}) {
            for (int rows = 1; rows <= 7; rows++) {
                ConvGeometry g = ConvGeometry.of(1, rows, 1, 1, 1, 1, Padding.VALID);
                run(k.conv2d(new Conv2d("pw", 0, 1, g, 5, cout, random(r, 5 * cout), random(r, cout), Activation.RELU6)),
                        rows * 5, rows * cout);
            }
            ConvGeometry first = ConvGeometry.of(23, 23, 3, 3, 2, 2, Padding.SAME); // rows wide enough for 8-pixel tiles
            run(k.conv2d(new Conv2d("conv", 0, 1, first, 3, cout, random(r, 27 * cout), random(r, cout), Activation.RELU6)),
                    23 * 23 * 3, 12 * 12 * cout);
            ConvGeometry deep = ConvGeometry.of(5, 5, 3, 3, 1, 1, Padding.SAME);
            run(k.conv2d(new Conv2d("conv", 0, 1, deep, 9, cout, random(r, 81 * cout), random(r, cout), Activation.NONE)),
                    5 * 5 * 9, 5 * 5 * cout);
            run(k.fullyConnected(new FullyConnected("fc", 0, 1, 7, cout, random(r, 7 * cout), random(r, cout), Activation.NONE)),
                    7, cout);
        }
        for (int c : new int[] {v, v + 3, v / 2, Depthwise3x3.PIXEL_MAJOR_BLOCKS * v}) {
            for (int stride : new int[] {1, 2}) {
                ConvGeometry g = ConvGeometry.of(9, 11, 3, 3, stride, stride, Padding.SAME);
                run(k.depthwiseConv2d(new DepthwiseConv2d("dw", 0, 1, g, c, random(r, 9 * c), random(r, c), Activation.RELU6)),
                        9 * 11 * c, g.outH() * g.outW() * c);
            }
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble();
        }
        return a;
    }

    private static void run(Kernel kernel, int in, int out) {
        float[] arena = new float[in + out + Kernel.SLACK];
        kernel.step().run(arena, new int[] {0, in}, 1, new float[kernel.scratchFloats() + Kernel.SLACK]);
    }
}
