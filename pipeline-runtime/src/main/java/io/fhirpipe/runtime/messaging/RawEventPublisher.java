package io.fhirpipe.runtime.messaging;

import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Publishes a body that is not a fhirpipe CloudEvent (an Event Grid storage event: the transfer's
 * own blob-created where storage cannot publish, the splitter's webhook forwarding Event Grid's
 * push) to one channel, as Event Grid would have delivered it to the topic; the stage completes
 * when the broker has taken it. ({@link CloudEventPublisher} only takes fhirpipe CloudEvents.)
 */
public final class RawEventPublisher {

    static final String JSON = "application/json; charset=utf-8";

    private final Emitter<String> emitter;
    private final java.time.Duration timeout;

    RawEventPublisher(Emitter<String> emitter, Publishing publishing) {
        this.emitter = Objects.requireNonNull(emitter, "emitter");
        this.timeout = publishing.timeout();
    }

    /** Publishes and waits (the publish timeout) until the broker has the message. */
    public void publishAndWait(String body, String messageId, String eventType, String exportId, String resourceType) {
        await(publish(body, messageId, eventType, exportId, resourceType), eventType);
    }

    /** Waits the publish timeout for a publication of this publisher. */
    public void await(CompletionStage<Void> publication, String what) {
        BrokerConfirmation.await(publication, timeout, what);
    }

    /** @param messageId also the broker's duplicate-detection key: the event's own id */
    public CompletionStage<Void> publish(
            String body, String messageId, String eventType, String exportId, String resourceType) {
        OutgoingAmqpMetadata metadata = OutgoingAmqpMetadata.builder()
                .withMessageId(messageId)
                .withDurable(true)
                .withContentType(JSON)
                .withSubject(resourceType)
                .withApplicationProperty(MessageProperties.EVENT_TYPE, eventType)
                .withApplicationProperty(MessageProperties.EXPORT_ID, exportId)
                .withApplicationProperty(MessageProperties.RESOURCE_TYPE, resourceType)
                .build();
        return BrokerSends.send(emitter, body, metadata);
    }
}
