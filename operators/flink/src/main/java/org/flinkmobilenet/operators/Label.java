package org.flinkmobilenet.operators;

import java.util.List;
import org.flinkmobilenet.engine.Prediction;

/**
 * What the job says about one frame: its identity and times, the model, and the best classes
 * (best first). Written to the labels topic as JSON by {@link LabelJson}.
 */
public class Label {

    public String cameraId;
    public long frameSeq;
    public long captureTs;
    /** When the engine finished the frame's batch, epoch ms. */
    public long inferenceTs;
    public String model;
    /** (k) class indices in the model's output space, best first; parallel to the two arrays below. */
    public int[] topIndex;
    public String[] topLabel;
    public float[] topScore;
    /** Engine time of the batch that carried this frame (all frames of a batch run together). */
    public double inferenceMs;
    /** inferenceTs - captureTs: capture to label, as far as the two clocks agree. */
    public long endToEndMs;

    public Label() {}

    public static Label of(Frame frame, String model, List<Prediction> top, long inferenceTs, double inferenceMs) {
        Label l = new Label();
        l.cameraId = frame.cameraId;
        l.frameSeq = frame.frameSeq;
        l.captureTs = frame.captureTs;
        l.inferenceTs = inferenceTs;
        l.model = model;
        l.topIndex = new int[top.size()];
        l.topLabel = new String[top.size()];
        l.topScore = new float[top.size()];
        for (int i = 0; i < top.size(); i++) {
            l.topIndex[i] = top.get(i).index();
            l.topLabel[i] = top.get(i).label();
            l.topScore[i] = top.get(i).score();
        }
        l.inferenceMs = inferenceMs;
        l.endToEndMs = inferenceTs - frame.captureTs;
        return l;
    }

    @Override
    public String toString() {
        return LabelJson.write(this);
    }
}
