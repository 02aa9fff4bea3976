package io.fhirpipe.exporttrigger.deadletters;

import io.fhirpipe.runtime.servicebus.implementation.OutgoingServiceBusMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@link ServiceBusDeadLetters} needs from Service Bus, and nothing more; {@link SdkDeadLetterEntities}
 * maps it onto azure-messaging-servicebus, the tests drive every path through a fake.
 */
interface DeadLetterEntities extends AutoCloseable {

    /**
     * Where dead letters of a topic's subscriptions wait: a subscription's own dead-letter queue
     * ({@code subscription} set), or the queue {@code <topic>.dead-letter} that the subscriptions forward
     * their dead letters to in fhirpipe's deployments ({@code subscription} null).
     */
    record Entity(String topic, String subscription) {
        static Entity forwardQueue(String topic) {
            return new Entity(topic, null);
        }

        @Override
        public String toString() {
            return subscription == null
                    ? io.fhirpipe.model.topology.Topology.deadLetterAddress(topic)
                    : topic + "/Subscriptions/" + subscription + "/$deadletterqueue";
        }
    }

    /**
     * A dead letter as Service Bus keeps it.
     *
     * @param source the entity it was dead-lettered in ({@code topic/Subscriptions/subscription}), set by
     *               Service Bus only on a dead letter that was forwarded; null otherwise
     */
    record Stored(
            String messageId,
            long sequenceNumber,
            byte[] body,
            String contentType,
            String subject,
            String correlationId,
            Map<String, Object> applicationProperties,
            long deliveryCount,
            Instant enqueuedTime,
            String reason,
            String description,
            String source) {
        public Stored {
            applicationProperties = applicationProperties == null ? Map.of() : Map.copyOf(applicationProperties);
        }
    }

    /** A received (peek-locked) dead letter: the caller completes or abandons it. */
    interface Locked {
        Stored message();

        void complete();

        void abandon();
    }

    /** Up to {@code max} messages from {@code fromSequenceNumber} on, without locking or removing them. */
    List<Stored> peek(Entity entity, long fromSequenceNumber, int max);

    /** Up to {@code max} messages, locked for this caller; empty when none arrives within {@code wait}. */
    List<Locked> receive(Entity entity, int max, Duration wait);

    /** Sends to a topic; returns once Service Bus has taken it. */
    void send(String topic, OutgoingServiceBusMessage message);

    @Override
    void close();
}
