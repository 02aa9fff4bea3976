package io.fhirpipe.model.topology;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The one definition of topics, subscriptions, delivery limits and dead-letter addresses. The
 * embedded test broker, the local stack's broker and the Azure deployment are all generated from
 * {@link #standard()}, so they cannot drift apart.
 */
public record Topology(List<TopicDefinition> topics) {

    /** Suffix of the address that receives a topic's dead letters on Artemis. */
    public static final String DEAD_LETTER_SUFFIX = ".dead-letter";

    public static final int DEFAULT_MAX_DELIVERY_COUNT = 10;
    public static final Duration DEFAULT_REDELIVERY_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_REDELIVERY_DELAY = Duration.ofSeconds(60);

    public Topology {
        topics = List.copyOf(topics);
    }

    public static Topology standard() {
        return new Topology(List.of(
                define(Topics.EXPORT_REQUESTED, Subscriptions.EXPORT_TRIGGER),
                define(Topics.EXPORT_ACCEPTED, Subscriptions.EXPORT_POLLER),
                define(Topics.EXPORT_FILE_READY, Subscriptions.EXPORT_TRANSFER),
                define(Topics.EXPORT_COMPLETED, Subscriptions.EXPORT_TRACKER),
                define(Topics.EXPORT_FAILED, Subscriptions.EXPORT_TRACKER),
                define(Topics.BLOB_CREATED, Subscriptions.NDJSON_SPLITTER),
                define(Topics.CHUNK_READY, Subscriptions.SYNAPSE_LOADER),
                define(Topics.SPLIT_COMPLETED, Subscriptions.EXPORT_TRACKER),
                define(Topics.CHUNK_LOADED, Subscriptions.EXPORT_TRACKER),
                define(Topics.CHUNK_FAILED, Subscriptions.EXPORT_TRACKER),
                define(Topics.FILE_FAILED, Subscriptions.EXPORT_TRACKER),
                define(Topics.EXPORT_LOADED)));
    }

    private static TopicDefinition define(String name, String... subscriptions) {
        return new TopicDefinition(name, java.util.Arrays.stream(subscriptions)
                .map(s -> new SubscriptionDefinition(s, DEFAULT_MAX_DELIVERY_COUNT, DEFAULT_REDELIVERY_DELAY,
                        DEFAULT_MAX_REDELIVERY_DELAY))
                .toList());
    }

    public TopicDefinition topic(String name) {
        return topics.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no topic named '" + name + "' in the topology"));
    }

    public SubscriptionDefinition subscription(String topic, String subscription) {
        return topic(topic).subscriptions().stream().filter(s -> s.name().equals(subscription)).findFirst()
                .orElseThrow(() -> new NoSuchElementException(
                        "topic '" + topic + "' has no subscription named '" + subscription + "'"));
    }

    /** The Artemis address (with an anycast queue of the same name) where a topic's dead letters go. */
    public static String deadLetterAddress(String topic) {
        return Objects.requireNonNull(topic, "topic") + DEAD_LETTER_SUFFIX;
    }
}
