package io.fhirpipe.runtime.messaging;

import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Publishes CloudEvents to one channel. The returned stage completes when the broker has accepted
 * the message, so a consumer can acknowledge its input only after its output is safe.
 */
public final class CloudEventPublisher {

    private final Emitter<String> emitter;
    private final BrokerKind broker;

    public CloudEventPublisher(Emitter<String> emitter, BrokerKind broker) {
        this.emitter = Objects.requireNonNull(emitter, "emitter");
        this.broker = Objects.requireNonNull(broker, "broker");
    }

    public CompletionStage<Void> publish(CloudEvent<?> event) {
        return send(event, event.id(), null);
    }

    /**
     * Publishes and waits until the broker has the message: a consumer that calls this before it
     * settles its input never acknowledges an input whose output was lost.
     *
     * @throws io.fhirpipe.runtime.failure.TransientFailure when the broker does not accept the message in time
     */
    public void publishConfirmed(CloudEvent<?> event, Duration timeout) {
        BrokerConfirmation.await(publish(event), timeout, event.type());
    }

    /**
     * Publishes an event that the broker holds back until {@code deliverAt}. The transport message
     * id gets {@code attemptTag} so that broker duplicate detection does not drop a retry of the
     * same logical event (whose CloudEvent id stays the same).
     */
    public CompletionStage<Void> publishAt(CloudEvent<?> event, Instant deliverAt, String attemptTag) {
        return send(event, event.id() + "/" + attemptTag, Objects.requireNonNull(deliverAt, "deliverAt"));
    }

    private CompletionStage<Void> send(CloudEvent<?> event, String messageId, Instant deliverAt) {
        OutgoingAmqpMetadata.OutgoingAmqpMetadataBuilder metadata = OutgoingAmqpMetadata.builder()
                .withMessageId(messageId)
                .withDurable(true)
                .withContentType(MessageProperties.CONTENT_TYPE)
                .withApplicationProperty(MessageProperties.EVENT_TYPE, event.type())
                .withApplicationProperty(MessageProperties.EXPORT_ID, event.data().exportId());
        if (event.subject() != null) {
            metadata.withSubject(event.subject())
                    .withApplicationProperty(MessageProperties.RESOURCE_TYPE, event.subject());
        }
        chunkId(event.data()).ifPresent(chunk -> metadata.withApplicationProperty(MessageProperties.CHUNK_ID, chunk));
        if (deliverAt != null) {
            metadata.withMessageAnnotations(broker.scheduledDeliveryAnnotation(),
                    broker.scheduledDeliveryValue(deliverAt));
        }
        return BrokerSends.send(emitter, MessageCodec.encode(event), metadata.build());
    }

    private static java.util.Optional<String> chunkId(Object data) {
        if (data instanceof ChunkReady c) {
            return java.util.Optional.ofNullable(c.chunkBlob());
        }
        if (data instanceof ChunkLoaded c) {
            return java.util.Optional.ofNullable(c.chunkBlob());
        }
        if (data instanceof ChunkFailed c) {
            return java.util.Optional.ofNullable(c.chunkBlob());
        }
        return java.util.Optional.empty();
    }
}
