package org.flinkmobilenet.experiments;

import java.util.List;

/** A model of the grid: a short key for file names and command lines, the spec the job takes, its input side. */
record ModelCase(String key, String title, String spec, int resolution) {

    static final List<ModelCase> ALL = List.of(
            new ModelCase("v1-1.0-224", "MobileNet v1 1.0/224",
                    "models/mobilenet_v1/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite,"
                            + "models/mobilenet_v1/mobilenet_quant_v1_224_head_layers.tflite", 224),
            new ModelCase("v1-0.5-160", "MobileNet v1 0.5/160", "models/mobilenet_v1/mobilenet_v1_0.5_160_quant.tflite", 160),
            new ModelCase("v1-0.25-128", "MobileNet v1 0.25/128", "models/mobilenet_v1/mobilenet_v1_0.25_128_quant.tflite", 128),
            new ModelCase("v2-1.0-224", "MobileNet v2 1.0/224", "models/mobilenet_v2/mobilenet_v2_1.0_224_quant.tflite", 224));

    static ModelCase of(String key) {
        return ALL.stream().filter(m -> m.key.equals(key)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown model '" + key + "'; known: " + ALL.stream().map(ModelCase::key).toList()));
    }
}
