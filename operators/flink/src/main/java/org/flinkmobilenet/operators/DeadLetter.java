package org.flinkmobilenet.operators;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** A frame that could not be classified: the original record plus the reason and a readable message. */
public class DeadLetter {

    /** The side output every operator of the pipeline sends its dead letters to. */
    public static final OutputTag<DeadLetter> OUTPUT = new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    public RawFrame raw;
    /** A {@link DeadLetterReason#code}. */
    public String reason;
    public String message;

    public DeadLetter() {}

    public DeadLetter(RawFrame raw, DeadLetterReason reason, String message) {
        this.raw = raw;
        this.reason = reason.code;
        this.message = message;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason + ": " + message + ", " + raw + "}";
    }
}
