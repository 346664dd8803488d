package org.flinkmobilenet.engine;

import java.util.ArrayList;
import java.util.List;
import org.flinkmobilenet.engine.model.Labels;

/** The k highest scores of an output vector, best first; ties keep the lower index first. */
public final class TopK {

    private TopK() {}

    public static List<Prediction> of(float[] scores, int offset, int count, int k, Labels labels) {
        k = Math.min(k, count);
        int[] best = new int[k];
        int filled = 0;
        for (int i = 0; i < count; i++) {
            float s = scores[offset + i];
            if (filled == k && !(s > scores[offset + best[k - 1]])) {
                continue;
            }
            int pos = filled < k ? filled++ : k - 1;
            while (pos > 0 && s > scores[offset + best[pos - 1]]) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = i;
        }
        List<Prediction> out = new ArrayList<>(k);
        for (int j = 0; j < filled; j++) {
            out.add(new Prediction(best[j], labels.get(best[j]), scores[offset + best[j]]));
        }
        return out;
    }
}
