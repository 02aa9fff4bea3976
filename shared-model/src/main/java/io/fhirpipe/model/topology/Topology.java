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

    /**
     * Every topic detects duplicates: a message's id is its CloudEvent id (deterministic: the same
     * logical event always has the same id), so a step that publishes again after a crash or a lost
     * settlement is dropped by the broker within this window. Azure allows 20 s to 7 days (the emulator
     * at most 5 minutes, see {@link ServiceBusEmulatorConfig}); duplicates later than this are still
     * harmless (the loader's ledger, the tracker's idempotent counts), only extra work.
     */
    public static final boolean REQUIRES_DUPLICATE_DETECTION = true;

    public static final Duration DUPLICATE_DETECTION_WINDOW = Duration.ofMinutes(10);
    /**
     * Peek-lock duration of every subscription: the longest Service Bus allows (5 minutes). The
     * connector renews locks for long work (a file transfer, a chunk load); the longer the lock, the
     * fewer renewals and the longer a renewal may be late.
     */
    public static final Duration LOCK_DURATION = Duration.ofMinutes(5);
    /**
     * Default time-to-live of messages on Azure; a consumed subscription dead-letters what expires
     * unread instead of dropping it. (The emulator allows at most one hour.)
     */
    public static final Duration MESSAGE_TIME_TO_LIVE = Duration.ofDays(14);
    /**
     * The application property pipeline-runtime's Service Bus connector sets on a retry copy it
     * schedules on the topic (MessageProperties.RETRY_FOR): the subscription the copy is for. Each
     * subscription's rule ({@link SubscriptionDefinition#routingFilter()}) lets a copy through only
     * when this property is absent or names that subscription.
     */
    public static final String RETRY_FOR_PROPERTY = "fhirpipe-retry-for";

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
        return new TopicDefinition(
                name,
                java.util.Arrays.stream(subscriptions)
                        .map(s -> new SubscriptionDefinition(
                                s, DEFAULT_MAX_DELIVERY_COUNT, DEFAULT_REDELIVERY_DELAY, DEFAULT_MAX_REDELIVERY_DELAY))
                        .toList());
    }

    public TopicDefinition topic(String name) {
        return topics.stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no topic named '" + name + "' in the topology"));
    }

    public SubscriptionDefinition subscription(String topic, String subscription) {
        return topic(topic).subscriptions().stream()
                .filter(s -> s.name().equals(subscription))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException(
                        "topic '" + topic + "' has no subscription named '" + subscription + "'"));
    }

    /** The Artemis address (with an anycast queue of the same name) where a topic's dead letters go. */
    public static String deadLetterAddress(String topic) {
        return Objects.requireNonNull(topic, "topic") + DEAD_LETTER_SUFFIX;
    }
}
