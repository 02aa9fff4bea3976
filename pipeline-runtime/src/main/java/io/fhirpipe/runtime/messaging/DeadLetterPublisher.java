package io.fhirpipe.runtime.messaging;

import io.fhirpipe.model.topology.Topology;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Moves a message that can never be processed to its topic's dead-letter address, with the reason
 * as application properties. Artemis's own dead-lettering keeps no reason, so a permanent failure
 * is dead-lettered by the consumer itself; the broker still dead-letters (without a reason) what
 * exhausts its delivery count. On Service Bus none of this is used: {@link MessageSettlement} has
 * the connector dead-letter natively, with the reason, in the subscription's own dead-letter queue.
 */
public final class DeadLetterPublisher {

    private final Emitter<String> emitter;

    /** @param emitter a channel whose messages may carry their own address (anonymous sender) */
    public DeadLetterPublisher(Emitter<String> emitter) {
        this.emitter = Objects.requireNonNull(emitter, "emitter");
    }

    public CompletionStage<Void> deadLetter(
            String topic,
            String subscription,
            String body,
            String originalMessageId,
            String reason,
            String description) {
        OutgoingAmqpMetadata metadata = OutgoingAmqpMetadata.builder()
                .withAddress(Topology.deadLetterAddress(topic))
                .withDurable(true)
                .withContentType(MessageProperties.CONTENT_TYPE)
                .withApplicationProperty(MessageProperties.DEAD_LETTER_REASON, reason)
                .withApplicationProperty(
                        MessageProperties.DEAD_LETTER_DESCRIPTION, MessageProperties.deadLetterDescription(description))
                .withApplicationProperty(MessageProperties.DEAD_LETTER_SUBSCRIPTION, subscription)
                .withApplicationProperty(MessageProperties.ORIGINAL_MESSAGE_ID, originalMessageId)
                .withApplicationProperty(
                        MessageProperties.ARTEMIS_DUPLICATE_ID,
                        UUID.randomUUID().toString())
                .build();
        return BrokerSends.send(emitter, body == null ? "" : body, metadata);
    }
}
