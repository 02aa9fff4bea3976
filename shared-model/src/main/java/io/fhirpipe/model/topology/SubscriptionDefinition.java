package io.fhirpipe.model.topology;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One subscription of a topic: who consumes it, how often a message is tried before the broker
 * dead-letters it, how long the broker waits before a redelivery, and, optionally, a Service Bus SQL
 * filter that narrows what it receives (a loader group's {@code resourceType IN ('Observation')}).
 *
 * @param filter a SQL filter expression over application properties, or {@code null} for every
 *               message; Service Bus and its emulator apply it (see {@link #routingFilter()}), Artemis
 *               ignores it (a receiver selector does that job there)
 */
public record SubscriptionDefinition(
        String name, int maxDeliveryCount, Duration redeliveryDelay, Duration maxRedeliveryDelay, String filter) {

    public SubscriptionDefinition {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("subscription name '" + name
                    + "' must be letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (maxDeliveryCount < 1) {
            throw new IllegalArgumentException("maxDeliveryCount must be at least 1, was " + maxDeliveryCount);
        }
        Objects.requireNonNull(redeliveryDelay, "redeliveryDelay");
        Objects.requireNonNull(maxRedeliveryDelay, "maxRedeliveryDelay");
        if (filter != null && filter.isBlank()) {
            filter = null;
        }
    }

    /** A subscription that receives every message of its topic (apart from other subscriptions' retry copies). */
    public SubscriptionDefinition(
            String name, int maxDeliveryCount, Duration redeliveryDelay, Duration maxRedeliveryDelay) {
        this(name, maxDeliveryCount, redeliveryDelay, maxRedeliveryDelay, null);
    }

    /** The same subscription with {@code sqlFilter} as its own filter. */
    public SubscriptionDefinition withFilter(String sqlFilter) {
        return new SubscriptionDefinition(name, maxDeliveryCount, redeliveryDelay, maxRedeliveryDelay, sqlFilter);
    }

    public Optional<String> ownFilter() {
        return Optional.ofNullable(filter);
    }

    /**
     * The SQL filter of this subscription's one rule on Service Bus (the emulator and Azure): a retry
     * copy, which pipeline-runtime's Service Bus connector schedules on the topic with the application
     * property {@value Topology#RETRY_FOR_PROPERTY} = the subscription it is for, reaches only that
     * subscription; everything else passes, narrowed by {@link #filter()} when there is one.
     */
    public String routingFilter() {
        String property = "[" + Topology.RETRY_FOR_PROPERTY + "]";
        String retry = "NOT EXISTS(" + property + ") OR " + property + " = '" + name + "'";
        return filter == null ? retry : "(" + filter + ") AND (" + retry + ")";
    }
}
