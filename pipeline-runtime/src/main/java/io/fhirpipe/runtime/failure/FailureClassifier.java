package io.fhirpipe.runtime.failure;

import io.fhirpipe.model.validation.InvalidMessageException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Transient or permanent? Anything not known to be permanent is treated as transient: a wrong
 * guess then costs a few redeliveries before the broker dead-letters, whereas a wrong "permanent"
 * would throw away a message that could have succeeded.
 */
public final class FailureClassifier {

    private FailureClassifier() {}

    public static FailureKind classify(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof PermanentFailure || t instanceof InvalidMessageException) {
            return FailureKind.PERMANENT;
        }
        return FailureKind.TRANSIENT;
    }

    /** The reason recorded with a dead letter. */
    public static String reason(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof PermanentFailure p) {
            return p.reason();
        }
        if (t instanceof InvalidMessageException) {
            return "InvalidMessage";
        }
        return "ProcessingFailed";
    }

    /** HTTP statuses after which the same request may succeed later. */
    public static boolean isTransientHttpStatus(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    /** Network-level failures: refused or reset connections, timeouts. */
    public static boolean isTransientIo(Throwable failure) {
        Throwable t = unwrap(failure);
        return t instanceof IOException || t instanceof HttpTimeoutException || t instanceof TimeoutException;
    }

    /**
     * Parses an HTTP {@code Retry-After} value: delta-seconds or an HTTP-date. Values that cannot
     * be read are ignored rather than failing the request.
     */
    public static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration d = Duration.between(now, at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
