package io.fhirpipe.exportpoller.config;

import io.fhirpipe.fhirclient.config.FhirServerConfig;
import io.fhirpipe.runtime.messaging.MessagingConfig;
import io.fhirpipe.runtime.storage.StorageConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the poller is configured with, under {@code fhirpipe.}. The {@code servers} part
 * duplicates export-trigger's TriggerConfig (same property names) until it moves to shared code.
 */
@ConfigMapping(prefix = "fhirpipe")
public interface PollerConfig {

    Map<String, FhirServerConfig> servers();

    Poll poll();

    StorageConfig storage();

    MessagingConfig messaging();

    interface Poll {
        /** Lower bound of the wait before the next poll (also the backoff base). */
        @WithDefault("1s")
        Duration minDelay();

        /** Caps a server's Retry-After (HAPI always asks for 120 s). */
        @WithDefault("30s")
        Duration maxDelay();

        /** An export not finished this long after acceptedAt is cancelled (DELETE) and failed. */
        @WithDefault("6h")
        Duration deadline();
    }

}
