package io.fhirpipe.runtime.messaging;

import io.fhirpipe.runtime.failure.TransientFailure;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits until the broker has taken a message. A consumer waits for its outputs before it settles its
 * input, so an input is never acknowledged while its output could still be lost; a broker that does
 * not confirm in time is a transient failure (the input is abandoned and redelivered).
 */
public final class BrokerConfirmation {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private BrokerConfirmation() {
    }

    public static void await(CompletionStage<Void> publication, String what) {
        await(publication, DEFAULT_TIMEOUT, what);
    }

    public static void await(CompletionStage<Void> publication, Duration timeout, String what) {
        try {
            publication.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted while publishing " + what, null, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new TransientFailure("the broker did not accept " + what + ": " + cause, null, cause);
        }
    }
}
