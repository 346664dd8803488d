package org.flinkmobilenet.engine.graph;

/** How the profile groups layers, in the MobileNet paper's terms. */
public enum LayerKind {
    /** A full k x k convolution (k > 1), e.g. the first layer. */
    CONV("conv"),
    DEPTHWISE("depthwise"),
    /** A 1x1 convolution other than the classifier. */
    POINTWISE("pointwise"),
    /** The classifier: the last layer with weights (a dense layer or a 1x1 convolution). */
    FC("fc"),
    POOL("pool"),
    ADD("add"),
    SOFTMAX("softmax"),
    RESHAPE("reshape");

    public final String label;

    LayerKind(String label) {
        this.label = label;
    }
}
