package io.fhirpipe.ndjsonsplitter.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the Event Grid webhook's requests. */
@ConfigMapping(prefix = "fhirpipe.splitter.webhook")
public interface WebhookLimits {

    /** 64 KiB hold about forty BlobCreated events in either schema. */
    @WithDefault("65536")
    int maxBodyBytes();
}
