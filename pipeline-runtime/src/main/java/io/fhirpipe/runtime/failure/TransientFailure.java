package io.fhirpipe.runtime.failure;

import java.time.Duration;
import java.util.Optional;

/** Processing may succeed later (throttling, an outage, a timeout): try again, after {@link #retryAfter()} if known. */
public class TransientFailure extends RuntimeException {

    private final Duration retryAfter;

    public TransientFailure(String description, Duration retryAfter) {
        super(description);
        this.retryAfter = retryAfter;
    }

    public TransientFailure(String description, Duration retryAfter, Throwable cause) {
        super(description, cause);
        this.retryAfter = retryAfter;
    }

    /** What the other side asked for (e.g. an HTTP Retry-After), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
