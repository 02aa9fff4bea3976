package io.fhirpipe.runtime.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.validation.InvalidMessageException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

    @Test
    void invalidMessagesAndDeclaredPermanentFailuresAreDeadLettered() {
        assertThat(FailureClassifier.classify(new InvalidMessageException("data.level", "is required")))
                .isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureClassifier.reason(new InvalidMessageException("data.level", "is required")))
                .isEqualTo("InvalidMessage");
        PermanentFailure unknownType = new PermanentFailure("UnknownResourceType", "no table for Foo");
        assertThat(FailureClassifier.classify(new CompletionException(unknownType)))
                .isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureClassifier.reason(new CompletionException(unknownType)))
                .isEqualTo("UnknownResourceType");
    }

    @Test
    void everythingElseIsRetried() {
        assertThat(FailureClassifier.classify(new IllegalStateException("bug?")))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureClassifier.classify(new TransientFailure("throttled", Duration.ofSeconds(3))))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureClassifier.isTransientIo(new CompletionException(new ConnectException("refused"))))
                .isTrue();
        assertThat(FailureClassifier.isTransientIo(new IOException("reset"))).isTrue();
    }

    @Test
    void transientHttpStatuses() {
        assertThat(FailureClassifier.isTransientHttpStatus(429)).isTrue();
        assertThat(FailureClassifier.isTransientHttpStatus(503)).isTrue();
        assertThat(FailureClassifier.isTransientHttpStatus(500)).isTrue();
        assertThat(FailureClassifier.isTransientHttpStatus(408)).isTrue();
        assertThat(FailureClassifier.isTransientHttpStatus(400)).isFalse();
        assertThat(FailureClassifier.isTransientHttpStatus(404)).isFalse();
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDate() {
        Instant now = Instant.parse("2026-11-26T06:03:28Z");
        assertThat(FailureClassifier.parseRetryAfter("120", now)).contains(Duration.ofSeconds(120));
        assertThat(FailureClassifier.parseRetryAfter("Thu, 26 Nov 2026 06:03:40 GMT", now))
                .contains(Duration.ofSeconds(12));
        assertThat(FailureClassifier.parseRetryAfter("Thu, 26 Nov 2026 06:00:00 GMT", now))
                .contains(Duration.ZERO);
        assertThat(FailureClassifier.parseRetryAfter("soon", now)).isEmpty();
        assertThat(FailureClassifier.parseRetryAfter("-5", now)).isEmpty();
        assertThat(FailureClassifier.parseRetryAfter(null, now)).isEmpty();
    }

    @Test
    void backoffHonoursRetryAfterWithinBoundsAndGrowsWithoutIt() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(backoff.delay(1, java.util.Optional.of(Duration.ofSeconds(120))))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(1, java.util.Optional.of(Duration.ofMillis(10))))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(1, java.util.Optional.of(Duration.ofSeconds(7))))
                .isEqualTo(Duration.ofSeconds(7));
        for (int attempt = 1; attempt <= 10; attempt++) {
            Duration d = backoff.delay(attempt, java.util.Optional.empty());
            long ceiling = Math.min(30_000, 1000L << (attempt - 1));
            assertThat(d.toMillis()).isBetween(1000L, ceiling);
        }
    }
}
