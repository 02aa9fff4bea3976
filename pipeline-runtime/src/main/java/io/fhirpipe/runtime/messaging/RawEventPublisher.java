package io.fhirpipe.runtime.messaging;

import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Publishes a body that is not a fhirpipe CloudEvent (an Event Grid storage event: the transfer's
 * own blob-created where storage cannot publish, the splitter's webhook forwarding Event Grid's
 * push) to one channel, as Event Grid would have delivered it to the topic; the stage completes
 * when the broker has taken it. ({@link CloudEventPublisher} only takes fhirpipe CloudEvents.)
 */
public final class RawEventPublisher {

    static final String JSON = "application/json; charset=utf-8";

    private final Emitter<String> emitter;

    public RawEventPublisher(Emitter<String> emitter) {
        this.emitter = Objects.requireNonNull(emitter, "emitter");
    }

    /** @param messageId also the broker's duplicate-detection key: the event's own id */
    public CompletionStage<Void> publish(String body, String messageId, String eventType, String exportId,
            String resourceType) {
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
