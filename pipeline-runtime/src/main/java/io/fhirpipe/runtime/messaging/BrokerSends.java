package io.fhirpipe.runtime.messaging;

import io.smallrye.reactive.messaging.amqp.OutgoingAmqpMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Sends through an emitter and reports when the broker has taken the message (or refused it). */
public final class BrokerSends {

    private BrokerSends() {
    }

    /** Sends and completes when the broker has accepted (or refused) the message. */
    public static CompletionStage<Void> send(Emitter<String> emitter, String body, OutgoingAmqpMetadata metadata) {
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        emitter.send(Message.of(body, Metadata.of(metadata),
                () -> {
                    accepted.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    accepted.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return accepted;
    }
}
