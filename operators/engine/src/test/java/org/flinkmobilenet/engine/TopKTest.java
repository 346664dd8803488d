package org.flinkmobilenet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.flinkmobilenet.engine.model.Labels;
import org.flinkmobilenet.engine.model.ModelLoadException;
import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void bestFirstWithTiesInIndexOrder() {
        float[] scores = {9, 0.1f, 0.5f, 0.3f, 0.5f, 0.2f};
        List<Prediction> top = TopK.of(scores, 1, 5, 3, Labels.numbered(5));
        assertEquals(List.of(new Prediction(1, "class_1", 0.5f), new Prediction(3, "class_3", 0.5f),
                new Prediction(2, "class_2", 0.3f)), top);
        assertEquals(5, TopK.of(scores, 1, 5, 10, Labels.numbered(5)).size());
    }

    @Test
    void labelListsFitBothImageNetConventions() throws Exception {
        List<String> thousand = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add("c" + i);
        }
        Labels for1001 = Labels.forClasses(thousand, 1001, "t");
        assertEquals("background", for1001.get(0));
        assertEquals("c285", for1001.get(286));
        List<String> withBackground = new java.util.ArrayList<>(thousand);
        withBackground.add(0, "background");
        Labels for1000 = Labels.forClasses(withBackground, 1000, "t");
        assertEquals("c0", for1000.get(0));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Labels.forClasses(thousand, 10, "list.txt"));
        assertEquals("list.txt: 1000 labels do not fit a model with 10 outputs", e.getMessage());
    }
}
