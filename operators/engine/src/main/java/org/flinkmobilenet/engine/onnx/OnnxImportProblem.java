package org.flinkmobilenet.engine.onnx;

/**
 * What is wrong with one node, while it is converted; the loader turns it into a
 * {@link org.flinkmobilenet.engine.model.ModelLoadException} that also names the file and the node.
 */
final class OnnxImportProblem extends RuntimeException {

    OnnxImportProblem(String message) {
        super(message);
    }
}
