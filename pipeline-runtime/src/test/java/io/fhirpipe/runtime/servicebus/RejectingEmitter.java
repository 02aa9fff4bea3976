package io.fhirpipe.runtime.servicebus;

import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.concurrent.CompletionStage;

/** The dead-letter channel on Service Bus: must never be used, so any use fails the test. */
final class RejectingEmitter implements Emitter<String> {

    @Override
    public CompletionStage<Void> send(String payload) {
        throw new AssertionError("a Service Bus message was published to the dead-letter channel");
    }

    @Override
    public <M extends Message<? extends String>> void send(M message) {
        throw new AssertionError("a Service Bus message was published to the dead-letter channel");
    }

    @Override
    public void complete() {
    }

    @Override
    public void error(Exception e) {
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public boolean hasRequests() {
        return true;
    }
}
