package org.flinkmobilenet.job;

import java.io.Serializable;

/**
 * How labels and dead letters reach Kafka.
 *
 * @param transactionTimeoutMs Kafka's {@code transaction.timeout.ms} for exactly-once producers
 */
public record DeliverySettings(Delivery delivery, long checkpointIntervalMs, String transactionalIdPrefix,
                               long transactionTimeoutMs) implements Serializable {

    private static final long serialVersionUID = 1L;

    public enum Delivery {
        AT_LEAST_ONCE("at-least-once"),
        EXACTLY_ONCE("exactly-once");

        public final String text;

        Delivery(String text) {
            this.text = text;
        }
    }
}
