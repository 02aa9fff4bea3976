package io.fhirpipe.runtime.servicebus.implementation;

import java.util.Map;
import java.util.Objects;

/** A message to send: the fields fhirpipe sets, nothing SDK-specific. */
public record OutgoingServiceBusMessage(
        String messageId,
        byte[] body,
        String contentType,
        String subject,
        String correlationId,
        Map<String, Object> applicationProperties) {

    public OutgoingServiceBusMessage {
        Objects.requireNonNull(body, "body");
        applicationProperties = Map.copyOf(applicationProperties);
    }
}
