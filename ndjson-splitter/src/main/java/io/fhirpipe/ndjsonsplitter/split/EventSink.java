package io.fhirpipe.ndjsonsplitter.split;

import io.fhirpipe.model.messages.CloudEvent;

import java.util.concurrent.CompletionStage;

/** Publishes one CloudEvent; completes when the broker has it ({@code CloudEventPublisher::publish}). */
@FunctionalInterface
public interface EventSink {
    CompletionStage<Void> publish(CloudEvent<?> event);
}
