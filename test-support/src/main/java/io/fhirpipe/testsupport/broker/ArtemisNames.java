package io.fhirpipe.testsupport.broker;

import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import java.util.List;

/**
 * How topics and subscriptions are named on Artemis, by topic and subscription name; the naming
 * itself is {@link TopicDefinition#subscriptionQueue} and {@link TopicDefinition#queueAddress}.
 *
 * <p>A topic is a MULTICAST address of the same name. A subscription is a durable MULTICAST queue
 * on that address. Artemis queue names are unique across the whole broker and a fully qualified
 * queue name ({@code address::queue}) resolves to the queue called {@code queue}, so the
 * subscription's bare name cannot be the queue name: {@code export-tracker} subscribes to five
 * topics. The queue is therefore called {@code <topic>.<subscription>} and consumers attach to
 * {@code <topic>::<topic>.<subscription>}.
 */
public final class ArtemisNames {

    static final String FQQN_SEPARATOR = "::";

    private ArtemisNames() {}

    /** The broker-wide unique queue name of a subscription, e.g. {@code chunk-ready.synapse-loader}. */
    public static String subscriptionQueue(String topic, String subscription) {
        return topic(topic).subscriptionQueue(subscription);
    }

    /**
     * The AMQP address a consumer of a subscription attaches to (Artemis FQQN), e.g.
     * {@code chunk-ready::chunk-ready.synapse-loader}.
     */
    public static String consumerAddress(String topic, String subscription) {
        return topic(topic).queueAddress(subscription);
    }

    /** The ANYCAST address, and queue of the same name, receiving a topic's dead letters. */
    public static String deadLetterQueue(String topic) {
        return Topology.deadLetterAddress(topic);
    }

    private static TopicDefinition topic(String name) {
        return new TopicDefinition(name, List.of());
    }
}
