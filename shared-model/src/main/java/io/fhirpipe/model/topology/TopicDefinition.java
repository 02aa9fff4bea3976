package io.fhirpipe.model.topology;

import java.util.List;
import java.util.Objects;

/** A topic and its subscriptions. */
public record TopicDefinition(String name, List<SubscriptionDefinition> subscriptions) {

    public TopicDefinition {
        Objects.requireNonNull(name, "name");
        subscriptions = List.copyOf(subscriptions);
    }

    /**
     * The Artemis fully qualified queue name of a subscription, {@code topic::subscription}; the
     * AMQP address a consumer attaches to.
     */
    public String queueAddress(String subscription) {
        return name + "::" + subscription;
    }
}
