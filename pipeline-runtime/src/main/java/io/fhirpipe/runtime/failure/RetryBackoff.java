package io.fhirpipe.runtime.failure;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try again: what the server asked for (clamped to our bounds, so a server's
 * {@code Retry-After: 120} cannot stall a local run), else exponential backoff with full jitter.
 */
public record RetryBackoff(Duration minDelay, Duration maxDelay) {

    public RetryBackoff {
        if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= minDelay <= maxDelay, got " + minDelay + ", " + maxDelay);
        }
    }

    /** @param attempt the attempt that just failed, from 1 */
    public Duration delay(int attempt, Optional<Duration> requested) {
        if (requested.isPresent()) {
            return clamp(requested.get());
        }
        long base = Math.max(1, minDelay.toMillis());
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long ceiling = Math.min(maxDelay.toMillis(), base << shift);
        long jittered = ceiling <= base ? base : ThreadLocalRandom.current().nextLong(base, ceiling + 1);
        return Duration.ofMillis(jittered);
    }

    public Duration clamp(Duration requested) {
        if (requested.compareTo(minDelay) < 0) {
            return minDelay;
        }
        return requested.compareTo(maxDelay) > 0 ? maxDelay : requested;
    }
}
