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
 * not confirm in time is a transient failure (the input is abandoned and redelivered). Services
 * do not call this with a timeout of their own: {@link CloudEventPublisher#publishAndWait} and
 * {@link RawEventPublisher#publishAndWait} wait the one configured publish timeout
 * ({@value Publishing#TIMEOUT_KEY}); only a caller with a deadline of its own (the splitter's webhook,
 * which must answer Event Grid in time) passes what is left of it.
 */
public final class BrokerConfirmation {

    private BrokerConfirmation() {}

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
