package org.flinkmobilenet.engine;

import org.flinkmobilenet.engine.model.Labels;

/**
 * A model ready to serve: compiled network and its labels, plus where it came from. Immutable and
 * shared by all the {@link Classifier}s of a JVM.
 */
public record MobileNetModel(String id, CompiledModel compiled, Labels labels, String labelsSource) {

    public int classes() {
        return compiled.graph().classes();
    }

    public int resolution() {
        return compiled.graph().inputShape().h();
    }
}
