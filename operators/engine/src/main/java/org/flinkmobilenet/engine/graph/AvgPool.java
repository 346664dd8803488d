package org.flinkmobilenet.engine.graph;

import java.util.List;

/** Average pooling over a window; as in TFLite, padded positions are left out of the average. */
public record AvgPool(String name, int input, int output, ConvGeometry geometry, Activation activation)
        implements Node {

    @Override
    public int[] inputs() {
        return new int[] {input};
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        Shape x = in.get(0);
        Node.require(x.h() == geometry.inH() && x.w() == geometry.inW(),
                "input is " + x + " but the pool expects " + geometry.inH() + "x" + geometry.inW());
        return new Shape(geometry.outH(), geometry.outW(), x.c());
    }

    @Override
    public long macs(List<Shape> in) {
        return 0;
    }
}
