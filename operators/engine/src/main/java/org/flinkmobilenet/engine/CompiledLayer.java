package org.flinkmobilenet.engine;

import org.flinkmobilenet.engine.graph.LayerKind;
import org.flinkmobilenet.engine.graph.Shape;
import org.flinkmobilenet.engine.kernels.Kernel;

/** A graph node with its kernel chosen and weights packed; immutable and shared by all engines. */
public record CompiledLayer(int nodeIndex, String name, LayerKind kind, Shape output, long macs, long params,
                            Kernel kernel) {}
