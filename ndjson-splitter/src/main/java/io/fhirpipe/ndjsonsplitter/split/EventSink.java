package io.fhirpipe.ndjsonsplitter.split;

import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.runtime.messaging.BrokerConfirmation;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.messaging.Publishing;
import java.util.concurrent.CompletionStage;

/**
 * Where the splitter's announcements go: in the service a topic's {@link CloudEventPublisher}
 * ({@link #of}); in tests a function that records them.
 */
@FunctionalInterface
public interface EventSink {

    /** Sends one CloudEvent; completes when the broker has it. */
    CompletionStage<Void> publish(CloudEvent<?> event);

    /** Waits until the broker has what {@link #publish} sent: the publisher's configured timeout. */
    default void await(CompletionStage<Void> publication, String what) {
        BrokerConfirmation.await(publication, Publishing.DEFAULT_TIMEOUT, what);
    }

    static EventSink of(CloudEventPublisher topic) {
        return new EventSink() {
            @Override
            public CompletionStage<Void> publish(CloudEvent<?> event) {
                return topic.publish(event);
            }

            @Override
            public void await(CompletionStage<Void> publication, String what) {
                topic.await(publication, what);
            }
        };
    }
}
