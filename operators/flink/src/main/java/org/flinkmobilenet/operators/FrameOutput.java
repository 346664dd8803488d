package org.flinkmobilenet.operators;

/** Where {@link ClassifyFunction} sends its results: labels to the main output, the rest to the dead letters. */
public interface FrameOutput {

    void label(Label label);

    void deadLetter(DeadLetter deadLetter);
}
