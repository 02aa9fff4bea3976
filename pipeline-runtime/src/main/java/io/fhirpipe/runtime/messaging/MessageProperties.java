package io.fhirpipe.runtime.messaging;

/** Names of the application properties fhirpipe sets, so broker subscriptions can filter on them. */
public final class MessageProperties {
    public static final String EVENT_TYPE = "type";
    public static final String EXPORT_ID = "exportId";
    public static final String RESOURCE_TYPE = "resourceType";
    /** Service Bus's own names for a dead letter's reason and description; Artemis keeps none, so we set them. */
    public static final String DEAD_LETTER_REASON = "DeadLetterReason";
    public static final String DEAD_LETTER_DESCRIPTION = "DeadLetterErrorDescription";
    public static final String DEAD_LETTER_SUBSCRIPTION = "DeadLetterSubscription";
    public static final String ORIGINAL_MESSAGE_ID = "OriginalMessageId";
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";

    private MessageProperties() {
    }
}
