package io.fhirpipe.runtime.servicebus;

import io.fhirpipe.runtime.messaging.BrokerDelivery;
import java.time.Instant;
import java.util.Map;

/**
 * What the Service Bus connector attaches to each incoming message, in place of SmallRye AMQP's
 * {@code IncomingAmqpMetadata}; {@link io.fhirpipe.runtime.messaging.IncomingBodies} reads either.
 *
 * @param deliveryCount how many times this message was delivered before, from 0, counting the
 *                      deliveries of the copies it was re-scheduled from (see {@link ServiceBusConnector})
 */
record ServiceBusIncomingMetadata(
        String topic,
        String subscription,
        String messageId,
        int deliveryCount,
        long sequenceNumber,
        Instant enqueuedTime,
        String contentType,
        String subject,
        String correlationId,
        Map<String, Object> applicationProperties)
        implements BrokerDelivery {

    public ServiceBusIncomingMetadata {
        applicationProperties = applicationProperties == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(applicationProperties));
    }
}
