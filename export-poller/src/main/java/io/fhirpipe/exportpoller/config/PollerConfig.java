package io.fhirpipe.exportpoller.config;

import io.fhirpipe.fhirclient.config.FhirServerConfig;
import io.fhirpipe.runtime.messaging.MessagingConfig;
import io.fhirpipe.runtime.storage.StorageConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the poller is configured with, under {@code fhirpipe.}. The {@code servers} are
 * fhir-client's {@link FhirServerConfig}, the same keys as the trigger's, read by
 * {@code io.fhirpipe.fhirclient.bulkdata.FhirServers}.
 */
@ConfigMapping(prefix = "fhirpipe")
public interface PollerConfig {

    /** FHIR servers by name; export.accepted and export.file-ready name the one they came from. */
    Map<String, FhirServerConfig> servers();

    Poll poll();

    StorageConfig storage();

    MessagingConfig messaging();

    Transfer transfer();

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

    /** {@code fhirpipe.transfer.}: moving manifest files into the landing container. */
    interface Transfer {
        /** Where storage emits no Event Grid events (Azurite), publish Microsoft.Storage.BlobCreated ourselves. */
        @WithDefault("false")
        boolean publishBlobCreated();

        /** Bytes per staged block; memory per transfer is (upload-concurrency + 1) blocks. */
        @WithDefault("4194304")
        int blockSize();

        /** Blocks of one file uploading at the same time. */
        @WithDefault("2")
        int uploadConcurrency();

        /** Downloads of one file per delivery (each from the start); then the message is abandoned. */
        @WithDefault("3")
        int maxAttempts();

        @WithDefault("500ms")
        Duration retryMinDelay();

        /** Also caps a server's Retry-After while retrying a download. */
        @WithDefault("10s")
        Duration retryMaxDelay();

        /** A download that delivers no byte for this long is cut and retried. */
        @WithDefault("60s")
        Duration idleTimeout();

        /**
         * The Accept header of downloads: {@code none} (HAPI then serves the raw NDJSON) or
         * {@code application/fhir+ndjson}. Never application/fhir+json: HAPI answers a base64 Binary.
         */
        @WithDefault("none")
        String accept();
    }
}
