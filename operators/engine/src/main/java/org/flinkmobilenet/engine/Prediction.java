package org.flinkmobilenet.engine;

/** One of the top-k classes of a frame: output index (in the model's own output space), label, score. */
public record Prediction(int index, String label, float score) {}
