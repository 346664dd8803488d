package org.flinkmobilenet.engine.kernels;

import org.flinkmobilenet.engine.graph.Add;
import org.flinkmobilenet.engine.graph.AvgPool;
import org.flinkmobilenet.engine.graph.Conv2d;
import org.flinkmobilenet.engine.graph.DepthwiseConv2d;
import org.flinkmobilenet.engine.graph.FullyConnected;
import org.flinkmobilenet.engine.graph.GlobalAvgPool;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.graph.Softmax;

/**
 * A family of kernels. For each node the set returns a {@link Kernel}; any weight packing it needs
 * happens here, once, and the packed weights are shared by every engine built from the compiled model.
 */
public interface KernelSet {

    /** Short name, logged and shown in benchmarks. */
    String name();

    Kernel conv2d(Conv2d node);

    Kernel depthwiseConv2d(DepthwiseConv2d node);

    Kernel fullyConnected(FullyConnected node);

    Kernel add(Add node, Shape shape);

    Kernel avgPool(AvgPool node, int channels);

    Kernel globalAvgPool(GlobalAvgPool node, Shape input);

    Kernel softmax(Softmax node, int channels);

    /**
     * One kernel for a depthwise layer and the pointwise layer that alone reads its output, or null
     * when this set does not fuse that pair (then each runs on its own).
     */
    default Kernel depthwisePointwise(DepthwiseConv2d depthwise, Conv2d pointwise) {
        return null;
    }
}
