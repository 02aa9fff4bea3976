package io.fhirpipe.exportpoller.transfer;

import io.fhirpipe.exportpoller.config.PollerConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * How files are transferred (see {@link PollerConfig.Transfer}); checked once at start-up.
 *
 * @param accept the Accept header to send, or empty to send none
 */
public record TransferSettings(
        int blockSize,
        int uploadConcurrency,
        int maxAttempts,
        Duration retryMinDelay,
        Duration retryMaxDelay,
        Duration idleTimeout,
        Optional<String> accept,
        boolean publishBlobCreated) {

    public static final String NDJSON = "application/fhir+ndjson";
    /** Azure's limit for one staged block is 4000 MiB; keep well below the heap. */
    static final int MAX_BLOCK_SIZE = 100 * 1024 * 1024;

    public TransferSettings {
        if (blockSize < 64 * 1024 || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("fhirpipe.transfer.block-size must be between 64 KiB and 100 MiB");
        }
        if (uploadConcurrency < 1 || uploadConcurrency > 16) {
            throw new IllegalArgumentException("fhirpipe.transfer.upload-concurrency must be between 1 and 16");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("fhirpipe.transfer.max-attempts must be at least 1");
        }
        if (accept.isPresent() && !accept.get().equals(NDJSON)) {
            throw new IllegalArgumentException("fhirpipe.transfer.accept must be none or " + NDJSON
                    + " (application/fhir+json makes HAPI answer a base64 Binary)");
        }
    }

    public static TransferSettings from(PollerConfig.Transfer config) {
        String accept = config.accept().trim();
        return new TransferSettings(
                config.blockSize(),
                config.uploadConcurrency(),
                config.maxAttempts(),
                config.retryMinDelay(),
                config.retryMaxDelay(),
                config.idleTimeout(),
                accept.isEmpty() || accept.equalsIgnoreCase("none") ? Optional.empty() : Optional.of(accept),
                config.publishBlobCreated());
    }

    /** Defaults for code outside CDI (the benchmark). */
    public static TransferSettings defaults() {
        return new TransferSettings(
                4 * 1024 * 1024,
                2,
                3,
                Duration.ofMillis(500),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Optional.empty(),
                false);
    }

    public TransferSettings withBlocks(int size, int concurrency) {
        return new TransferSettings(
                size, concurrency, maxAttempts, retryMinDelay, retryMaxDelay, idleTimeout, accept, publishBlobCreated);
    }
}
