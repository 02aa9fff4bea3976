package io.fhirpipe.runtime.messaging;

/**
 * Incoming-message metadata of a connector that settles natively (the Service Bus connector): the
 * message id and delivery count as that broker tells them, and the connector's promise that a nack
 * with a permanent failure dead-letters the message in its own dead-letter queue, with reason and
 * description, so {@link MessageSettlement} does not publish a dead letter itself. An interface here,
 * so that this package does not depend on any one transport.
 */
public interface BrokerDelivery {

    String messageId();

    /** How many times the message was delivered before this delivery, from 0. */
    int deliveryCount();

    /** The message's application properties (routing properties, trace context); never null. */
    default java.util.Map<String, Object> applicationProperties() {
        return java.util.Map.of();
    }

    /** The connector's metadata of {@code message}; SmallRye looks metadata up by exact class, hence the scan. */
    static java.util.Optional<BrokerDelivery> of(org.eclipse.microprofile.reactive.messaging.Message<?> message) {
        for (Object item : message.getMetadata()) {
            if (item instanceof BrokerDelivery delivery) {
                return java.util.Optional.of(delivery);
            }
        }
        return java.util.Optional.empty();
    }
}
