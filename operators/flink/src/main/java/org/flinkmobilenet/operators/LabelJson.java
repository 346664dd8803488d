package org.flinkmobilenet.operators;

import org.flinkmobilenet.engine.util.Json;

/**
 * The labels topic's value: one JSON object per frame,
 * {@code {"camera_id", "frame_seq", "capture_ts", "inference_ts", "model", "top": [{"index", "label",
 * "score"}], "inference_ms", "end_to_end_ms"}}.
 */
public final class LabelJson {

    private LabelJson() {}

    public static String write(Label l) {
        StringBuilder b = new StringBuilder(160 + 60 * l.topIndex.length);
        b.append("{\"camera_id\":").append(Json.quote(l.cameraId))
                .append(",\"frame_seq\":").append(l.frameSeq)
                .append(",\"capture_ts\":").append(l.captureTs)
                .append(",\"inference_ts\":").append(l.inferenceTs)
                .append(",\"model\":").append(Json.quote(l.model))
                .append(",\"top\":[");
        for (int i = 0; i < l.topIndex.length; i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"index\":").append(l.topIndex[i])
                    .append(",\"label\":").append(Json.quote(l.topLabel[i]))
                    .append(",\"score\":").append(Json.number(l.topScore[i], 6))
                    .append('}');
        }
        return b.append("],\"inference_ms\":").append(Json.number(l.inferenceMs, 3))
                .append(",\"end_to_end_ms\":").append(l.endToEndMs)
                .append('}').toString();
    }
}
