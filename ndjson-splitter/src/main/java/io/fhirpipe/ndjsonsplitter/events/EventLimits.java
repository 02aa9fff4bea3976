package io.fhirpipe.ndjsonsplitter.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How many storage events one message (a broker message or a webhook request) may carry. */
@ConfigMapping(prefix = "fhirpipe.splitter.events")
public interface EventLimits {

    /**
     * Event Grid delivers one event per request or Service Bus message unless a webhook subscription
     * batches (then at most its maxEventsPerBatch), and the transfer publishes one per message.
     */
    @WithDefault("10")
    int maxPerMessage();
}
