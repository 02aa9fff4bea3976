package io.fhirpipe.runtime.servicebus;

import io.fhirpipe.runtime.messaging.SinkEmitter;

/** The dead-letter channel on Service Bus: must never be used, so any use fails the test. */
final class RejectingEmitter extends SinkEmitter {

    RejectingEmitter() {
        super(message -> {
            throw new AssertionError("a Service Bus message was published to the dead-letter channel");
        });
    }
}
