package io.fhirpipe.runtime.failure;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a step again after a {@link TransientFailure}, at most {@code maxAttempts} times in all, waiting
 * {@link RetryBackoff} between attempts (the failure's own retry-after when it has one), then lets
 * the last failure through, so the message is abandoned and the broker's delivery count takes over.
 * Retrying in process first spares the broker a redelivery (and the next step a new download) for a
 * throttled or briefly unreachable service.
 */
public final class TransientRetries {

    /** How the wait happens; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration delay) throws InterruptedException;
    }

    private static final Logger LOG = Logger.getLogger(TransientRetries.class);

    private final int maxAttempts;
    private final RetryBackoff backoff;
    private final Duration budget;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;

    /**
     * @param budget no attempt starts later than this after the first one (0: no limit), so the
     *               retries fit in a broker's message lock
     */
    public TransientRetries(
            int maxAttempts, RetryBackoff backoff, Duration budget, Sleeper sleeper, LongSupplier nanoTime) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.budget = budget;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
    }

    public TransientRetries(int maxAttempts, RetryBackoff backoff, Sleeper sleeper) {
        this(maxAttempts, backoff, Duration.ZERO, sleeper, System::nanoTime);
    }

    public TransientRetries(int maxAttempts, RetryBackoff backoff) {
        this(maxAttempts, backoff, delay -> Thread.sleep(delay.toMillis()));
    }

    public TransientRetries(int maxAttempts, RetryBackoff backoff, Duration budget) {
        this(maxAttempts, backoff, budget, delay -> Thread.sleep(delay.toMillis()), System::nanoTime);
    }

    /**
     * For what must be sent before a message is dead-lettered (file.failed, chunk.failed): three
     * attempts half a second to five seconds apart, so a broker hiccup does not leave a given-up
     * file or chunk unannounced.
     */
    public static TransientRetries beforeDeadLetter() {
        return new TransientRetries(3, new RetryBackoff(Duration.ofMillis(500), Duration.ofSeconds(5)));
    }

    /** One attempt, nothing retried in process. */
    public static TransientRetries none() {
        return new TransientRetries(1, new RetryBackoff(Duration.ZERO, Duration.ZERO));
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** @param what the step, for the log line of each failed attempt */
    public <T> T call(String what, Supplier<T> step) {
        long start = nanoTime.getAsLong();
        for (int attempt = 1; ; attempt++) {
            try {
                return step.get();
            } catch (TransientFailure failure) {
                if (attempt >= maxAttempts) {
                    throw failure;
                }
                Duration delay = backoff.delay(attempt, failure.retryAfter());
                if (!budget.isZero()
                        && Duration.ofNanos(nanoTime.getAsLong() - start)
                                        .plus(delay)
                                        .compareTo(budget)
                                > 0) {
                    LOG.warnf(
                            "%s: attempt %d failed (%s); no time left for another within %d s",
                            what, attempt, failure.getMessage(), budget.toSeconds());
                    throw failure;
                }
                LOG.warnf(
                        "%s: attempt %d of %d failed (%s); trying again in %d ms",
                        what, attempt, maxAttempts, failure.getMessage(), delay.toMillis());
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure;
                }
            }
        }
    }
}
