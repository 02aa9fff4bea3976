package io.fhirpipe.model.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * One subscription of a topic: who consumes it, how often a message is tried before the broker
 * dead-letters it, and how long the broker waits before a redelivery.
 */
public record SubscriptionDefinition(String name, int maxDeliveryCount, Duration redeliveryDelay,
        Duration maxRedeliveryDelay) {

    public SubscriptionDefinition {
        Objects.requireNonNull(name, "name");
        if (maxDeliveryCount < 1) {
            throw new IllegalArgumentException("maxDeliveryCount must be at least 1, was " + maxDeliveryCount);
        }
        Objects.requireNonNull(redeliveryDelay, "redeliveryDelay");
        Objects.requireNonNull(maxRedeliveryDelay, "maxRedeliveryDelay");
    }
}
