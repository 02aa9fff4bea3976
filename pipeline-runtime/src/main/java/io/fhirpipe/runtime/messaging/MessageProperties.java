package io.fhirpipe.runtime.messaging;

/** Names of the application properties fhirpipe sets, so broker subscriptions can filter on them. */
public final class MessageProperties {
    public static final String EVENT_TYPE = "type";
    public static final String EXPORT_ID = "exportId";
    public static final String RESOURCE_TYPE = "resourceType";
    /** On chunk events: the chunk's blob name, so a consumer's logs name the chunk before it reads the body. */
    public static final String CHUNK_ID = "chunkId";
    /** Service Bus's own names for a dead letter's reason and description; Artemis keeps none, so we set them. */
    public static final String DEAD_LETTER_REASON = "DeadLetterReason";

    public static final String DEAD_LETTER_DESCRIPTION = "DeadLetterErrorDescription";
    public static final String DEAD_LETTER_SUBSCRIPTION = "DeadLetterSubscription";
    public static final String ORIGINAL_MESSAGE_ID = "OriginalMessageId";
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";
    /**
     * Artemis's duplicate-detection id. A dead letter gets a fresh one, so when the AMQP sender resends it
     * after a broker restart (its acknowledgement lost) the broker keeps one copy; a message dead-lettered
     * again after a replay gets another id and is kept.
     */
    public static final String ARTEMIS_DUPLICATE_ID = "_AMQ_DUPL_ID";
    /**
     * On a copy that the Service Bus transport re-scheduled after a transient failure: how many
     * deliveries the message had before the copy (Service Bus counts each copy from 0 again).
     */
    public static final String PREVIOUS_DELIVERIES = "fhirpipe-previous-deliveries";
    /**
     * On such a copy: the one subscription it is for. A copy is sent to the topic, so the topic's
     * other subscriptions receive it too and complete it unprocessed.
     */
    public static final String RETRY_FOR = "fhirpipe-retry-for";
    /** Longer dead-letter descriptions are cut (application properties share a 64 KB header budget). */
    public static final int MAX_DEAD_LETTER_DESCRIPTION = 4096;

    private MessageProperties() {}

    /** A dead letter's description as stored: never null, at most {@value #MAX_DEAD_LETTER_DESCRIPTION} characters. */
    public static String deadLetterDescription(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_DEAD_LETTER_DESCRIPTION
                ? text
                : text.substring(0, MAX_DEAD_LETTER_DESCRIPTION - 1) + "…";
    }
}
