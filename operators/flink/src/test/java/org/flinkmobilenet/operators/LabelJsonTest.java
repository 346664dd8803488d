package org.flinkmobilenet.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.flinkmobilenet.engine.Prediction;
import org.junit.jupiter.api.Test;

class LabelJsonTest {

    @Test
    void writesEveryFieldAsJson() throws Exception {
        Frame frame = new Frame("cam \"1\"", 7, 1_700_000_000_000L, null, 0, 0, new RawFrame());
        Label label = Label.of(frame, "mobilenet_v1", List.of(new Prediction(286, "Egyptian cat", 0.875f),
                new Prediction(282, "tabby, tabby cat", 0.0625f)), 1_700_000_000_250L, 12.3456);

        JsonNode json = new ObjectMapper().readTree(LabelJson.write(label));

        assertEquals("cam \"1\"", json.get("camera_id").asText());
        assertEquals(7, json.get("frame_seq").asLong());
        assertEquals(1_700_000_000_000L, json.get("capture_ts").asLong());
        assertEquals(1_700_000_000_250L, json.get("inference_ts").asLong());
        assertEquals("mobilenet_v1", json.get("model").asText());
        assertEquals(2, json.get("top").size());
        assertEquals(286, json.get("top").get(0).get("index").asInt());
        assertEquals("Egyptian cat", json.get("top").get(0).get("label").asText());
        assertEquals(0.875, json.get("top").get(0).get("score").asDouble(), 1e-9);
        assertEquals("tabby, tabby cat", json.get("top").get(1).get("label").asText());
        assertEquals(12.346, json.get("inference_ms").asDouble(), 1e-9);
        assertEquals(250, json.get("end_to_end_ms").asLong());
    }
}
