package io.fhirpipe.fhirclient.bulkdata;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What the FHIR server made of a kick-off. */
public sealed interface KickoffResult {

    /** 202 Accepted with the status URL to poll. */
    record Accepted(String statusUrl) implements KickoffResult {}

    /** Throttled, unavailable, unreachable or timed out: the same request may succeed later. */
    record Retry(String reason, Optional<Integer> httpStatus, Optional<Duration> retryAfter) implements KickoffResult {}

    /** The server refused the request; sending it again will not help. */
    record Rejected(String reason, int httpStatus, List<String> diagnostics) implements KickoffResult {}
}
