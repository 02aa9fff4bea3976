package io.fhirpipe.testsupport.broker;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message a test posts: a String body (sent as an AMQP value, durable) with application
 * properties and message annotations.
 *
 * @param body                  the body, typically a CloudEvents JSON document
 * @param applicationProperties AMQP application properties (String, Number, Boolean, UUID ... values)
 * @param messageAnnotations    AMQP message annotations such as {@code x-opt-delivery-time}
 * @param messageId             the AMQP message id, or null for none
 * @param contentType           the AMQP content type, or null for none
 */
public record OutgoingMessage(
        String body,
        Map<String, Object> applicationProperties,
        Map<String, Object> messageAnnotations,
        String messageId,
        String contentType) {

    /** The annotation with which Artemis delays delivery until an epoch-millisecond time. */
    public static final String DELIVERY_TIME_ANNOTATION = "x-opt-delivery-time";

    public OutgoingMessage {
        Objects.requireNonNull(body, "body");
        applicationProperties = Map.copyOf(applicationProperties);
        messageAnnotations = Map.copyOf(messageAnnotations);
    }

    public static OutgoingMessage of(String body) {
        return new OutgoingMessage(body, Map.of(), Map.of(), null, null);
    }

    public OutgoingMessage withApplicationProperty(String name, Object value) {
        return new OutgoingMessage(
                body, with(applicationProperties, name, value), messageAnnotations, messageId, contentType);
    }

    public OutgoingMessage withApplicationProperties(Map<String, ?> properties) {
        Map<String, Object> all = new LinkedHashMap<>(applicationProperties);
        all.putAll(properties);
        return new OutgoingMessage(body, all, messageAnnotations, messageId, contentType);
    }

    public OutgoingMessage withMessageAnnotation(String name, Object value) {
        return new OutgoingMessage(
                body, applicationProperties, with(messageAnnotations, name, value), messageId, contentType);
    }

    public OutgoingMessage withMessageAnnotations(Map<String, ?> annotations) {
        Map<String, Object> all = new LinkedHashMap<>(messageAnnotations);
        all.putAll(annotations);
        return new OutgoingMessage(body, applicationProperties, all, messageId, contentType);
    }

    /** Asks Artemis not to deliver the message before {@code time} ({@value #DELIVERY_TIME_ANNOTATION}). */
    public OutgoingMessage deliverAt(Instant time) {
        return withMessageAnnotation(DELIVERY_TIME_ANNOTATION, time.toEpochMilli());
    }

    public OutgoingMessage withMessageId(String messageId) {
        return new OutgoingMessage(body, applicationProperties, messageAnnotations, messageId, contentType);
    }

    public OutgoingMessage withContentType(String contentType) {
        return new OutgoingMessage(body, applicationProperties, messageAnnotations, messageId, contentType);
    }

    private static Map<String, Object> with(Map<String, Object> map, String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(map);
        copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return copy;
    }
}
