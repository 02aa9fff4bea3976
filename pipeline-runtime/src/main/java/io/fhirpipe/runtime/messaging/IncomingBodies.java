package io.fhirpipe.runtime.messaging;

import io.fhirpipe.model.validation.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The text of an incoming message, whatever AMQP body section a sender chose: services send an
 * AMQP string, but a person replaying by hand may post bytes or JSON from a console.
 */
public final class IncomingBodies {

    private IncomingBodies() {}

    public static String text(Message<?> message) {
        Object payload = message.getPayload();
        if (payload == null) {
            throw new InvalidMessageException("(message)", "the body is empty; expected a CloudEvents JSON document");
        }
        if (payload instanceof String s) {
            return s;
        }
        if (payload instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (payload instanceof io.vertx.core.buffer.Buffer buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
        if (payload instanceof io.vertx.mutiny.core.buffer.Buffer buffer) {
            return buffer.toString(StandardCharsets.UTF_8.name());
        }
        if (payload instanceof io.vertx.core.json.JsonObject json) {
            return json.encode();
        }
        throw new InvalidMessageException(
                "(message)",
                "the body is a " + payload.getClass().getSimpleName()
                        + "; expected a CloudEvents JSON document as text");
    }

    /**
     * The broker's message id, for logs and dead letters; never the body. A message posted by hand
     * often has none, so the event's own {@code id} (CloudEvents or Event Grid) stands in for it.
     */
    public static String messageId(Message<?> message) {
        return message.getMetadata(io.smallrye.reactive.messaging.amqp.IncomingAmqpMetadata.class)
                .map(io.smallrye.reactive.messaging.amqp.IncomingAmqpMetadata::getId)
                .or(() -> BrokerDelivery.of(message).map(BrokerDelivery::messageId))
                .filter(id -> !id.isBlank())
                .or(() -> eventId(message))
                .orElse("(no message id)");
    }

    private static java.util.Optional<String> eventId(Message<?> message) {
        try {
            com.fasterxml.jackson.databind.JsonNode body =
                    io.fhirpipe.model.messages.Json.mapper().readTree(text(message));
            com.fasterxml.jackson.databind.JsonNode first = body != null && body.isArray() ? body.path(0) : body;
            return first != null && first.path("id").isTextual()
                    ? java.util.Optional.of("event:" + first.path("id").asText())
                    : java.util.Optional.empty();
        } catch (Exception unreadable) {
            return java.util.Optional.empty();
        }
    }

    /**
     * How many times the broker has delivered this message before, from 0. On Service Bus this counts
     * the deliveries of the copies a message was re-scheduled from too ({@link BrokerDelivery}).
     */
    public static int deliveryCount(Message<?> message) {
        return message.getMetadata(io.smallrye.reactive.messaging.amqp.IncomingAmqpMetadata.class)
                .map(io.smallrye.reactive.messaging.amqp.IncomingAmqpMetadata::getDeliveryCount)
                .or(() -> BrokerDelivery.of(message).map(BrokerDelivery::deliveryCount))
                .orElse(0);
    }
}
