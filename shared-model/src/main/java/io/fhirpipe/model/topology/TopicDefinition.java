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
     * The Artemis queue that holds a subscription's copy of the topic: {@code topic.subscription}.
     * Artemis queue names are unique broker-wide and one subscription name (the tracker's) is used
     * on several topics, so the bare subscription name cannot be the queue name.
     */
    public String subscriptionQueue(String subscription) {
        return name + "." + subscription;
    }

    /**
     * The AMQP address a consumer attaches to on Artemis: the fully qualified queue name
     * {@code topic::topic.subscription}. (On Service Bus it is {@code topic/Subscriptions/subscription}.)
     */
    public String queueAddress(String subscription) {
        return name + "::" + subscriptionQueue(subscription);
    }
}
