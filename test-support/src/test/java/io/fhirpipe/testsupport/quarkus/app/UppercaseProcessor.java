package io.fhirpipe.testsupport.quarkus.app;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

/** Consumes chunk-ready, publishes chunk-loaded; a body containing "fail" throws, so the message is nacked. */
@ApplicationScoped
public class UppercaseProcessor {

    @Incoming("work")
    @Outgoing("done")
    public String process(String body) {
        if (body.contains("fail")) {
            throw new IllegalStateException("simulated transient failure");
        }
        return body.toUpperCase();
    }
}
