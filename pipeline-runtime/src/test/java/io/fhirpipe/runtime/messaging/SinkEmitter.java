package io.fhirpipe.runtime.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * An emitter for tests that hands every message to a sink, as SmallRye hands an emitter's messages
 * to its channel; the sink decides what the "broker" does with it (record and accept it, pass it to
 * a connector, or fail the test).
 */
public class SinkEmitter implements Emitter<String> {

    private final Consumer<Message<? extends String>> sink;

    public SinkEmitter(Consumer<Message<? extends String>> sink) {
        this.sink = sink;
    }

    /** Completes when the sink acks the message, fails when it nacks it. */
    @Override
    public CompletionStage<Void> send(String payload) {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        send(Message.of(
                payload,
                () -> {
                    settled.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    settled.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return settled;
    }

    @Override
    public <M extends Message<? extends String>> void send(M message) {
        sink.accept(message);
    }

    @Override
    public void complete() {}

    @Override
    public void error(Exception e) {}

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public boolean hasRequests() {
        return true;
    }
}
