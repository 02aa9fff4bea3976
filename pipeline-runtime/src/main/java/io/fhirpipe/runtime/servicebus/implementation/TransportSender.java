package io.fhirpipe.runtime.servicebus.implementation;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/** Sends to one entity; each stage completes when Service Bus has taken (or refused) the message. */
public interface TransportSender {

    CompletionStage<Void> send(OutgoingServiceBusMessage message);

    /** Enqueues the message for {@code enqueueAt}; completes with its sequence number. */
    CompletionStage<Long> schedule(OutgoingServiceBusMessage message, Instant enqueueAt);

    CompletionStage<Void> cancelScheduled(long sequenceNumber);
}
