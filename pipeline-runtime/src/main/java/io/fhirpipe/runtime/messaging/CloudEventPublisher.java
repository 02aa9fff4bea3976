package io.fhirpipe.runtime.messaging;

import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Publishes CloudEvents to one topic. Made by {@link Publishing#to}, which gives it the service's one
 * publish timeout ({@value Publishing#TIMEOUT_KEY}). {@link #publish} returns a stage that completes
 * when the broker has accepted the message; {@link #publishAndWait} waits for that, so a consumer can
 * acknowledge its input only after its output is safe.
 */
public final class CloudEventPublisher {

    private final Emitter<String> emitter;
    private final BrokerKind broker;
    private final Duration timeout;

    CloudEventPublisher(Emitter<String> emitter, Publishing publishing) {
        this.emitter = Objects.requireNonNull(emitter, "emitter");
        this.broker = publishing.broker();
        this.timeout = publishing.timeout();
    }

    public CompletionStage<Void> publish(CloudEvent<?> event) {
        return send(event, event.id(), null);
    }

    /**
     * Publishes and waits until the broker has the message: a consumer that calls this before it
     * settles its input never acknowledges an input whose output was lost.
     *
     * @throws io.fhirpipe.runtime.failure.TransientFailure when the broker refuses the message or does
     *         not take it within the publish timeout
     */
    public void publishAndWait(CloudEvent<?> event) {
        await(publish(event), event.type());
    }

    /**
     * Waits the publish timeout for a publication of this publisher, for a caller that sends several
     * events first and then waits for them all.
     */
    public void await(CompletionStage<Void> publication, String what) {
        BrokerConfirmation.await(publication, timeout, what);
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
                .withApplicationProperty(
                        MessageProperties.EXPORT_ID, event.data().exportId());
        if (event.subject() != null) {
            metadata.withSubject(event.subject())
                    .withApplicationProperty(MessageProperties.RESOURCE_TYPE, event.subject());
        }
        chunkId(event.data()).ifPresent(chunk -> metadata.withApplicationProperty(MessageProperties.CHUNK_ID, chunk));
        if (deliverAt != null) {
            metadata.withMessageAnnotations(
                    broker.scheduledDeliveryAnnotation(), broker.scheduledDeliveryValue(deliverAt));
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
