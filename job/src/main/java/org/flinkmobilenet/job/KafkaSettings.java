package org.flinkmobilenet.job;

import java.io.Serializable;
import java.util.Properties;

/**
 * Where frames come from and labels and dead letters go.
 *
 * @param clientProperties the {@code --kafka.*} pass-through, given to the consumer and both producers
 */
public record KafkaSettings(String bootstrapServers, String inputTopic, String outputTopic, String deadLetterTopic,
                            String groupId, StartingOffsets startingOffsets, boolean bounded,
                            Properties clientProperties) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Where the source starts when the job starts without a checkpoint or savepoint. */
    public enum StartingOffsets {
        /** The group's committed offsets; the latest ones where the group has none. */
        COMMITTED,
        EARLIEST,
        LATEST
    }

    /** A copy: the builders of the connector may add to what they are given. */
    public Properties clientPropertiesCopy() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        return p;
    }
}
