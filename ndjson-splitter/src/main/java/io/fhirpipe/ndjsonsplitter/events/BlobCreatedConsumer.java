package io.fhirpipe.ndjsonsplitter.events;

import io.fhirpipe.ndjsonsplitter.split.LandingFileSplitter;
import io.fhirpipe.runtime.messaging.IncomingBodies;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Consumes {@code blob-created}: each finished landing file is split and announced before the
 * message is acked; other events are acked and ignored; a foreign URL or a name outside the layout
 * is dead-lettered with its reason; storage or broker trouble abandons the message for redelivery.
 */
@ApplicationScoped
public class BlobCreatedConsumer {

    public static final String CHANNEL = "blob-created";
    private static final Logger LOG = Logger.getLogger(BlobCreatedConsumer.class);

    @Inject
    BlobCreatedEvents events;

    @Inject
    LandingFileSplitter splitter;

    @Inject
    MessageSettlement settlement;

    @Incoming(CHANNEL)
    @Blocking(ordered = false)
    public CompletionStage<Void> consume(Message<Object> message) {
        try {
            handle(IncomingBodies.text(message));
            return settlement.settle(message, null);
        } catch (RuntimeException failure) {
            return settlement.settle(message, failure);
        }
    }

    /** The one path for broker deliveries and (later) webhook pushes. */
    public void handle(String body) {
        List<BlobCreatedAction> actions = events.actions(body);
        for (BlobCreatedAction action : actions) {
            if (action instanceof BlobCreatedAction.Split split) {
                splitter.split(split.blob(), split.etag());
            } else if (action instanceof BlobCreatedAction.Ignore ignore) {
                LOG.debugf("ignoring storage event: %s", ignore.why());
            }
        }
    }
}
