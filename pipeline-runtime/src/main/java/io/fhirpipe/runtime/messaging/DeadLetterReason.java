package io.fhirpipe.runtime.messaging;

import io.fhirpipe.runtime.failure.FailureClassifier;
import java.util.Objects;

/**
 * Why a message is given up, in the one vocabulary of the pipeline: the dead letter's
 * {@code DeadLetterReason} / {@code DeadLetterErrorDescription} and the reason that file.failed and
 * chunk.failed announce are all made from this, so the tracker, the dead-letter page and the broker
 * name a failure the same way. {@link #reason()} is a {@code PermanentFailure}'s reason (each
 * service's own words: ChunkNotFound, ForeignBlobUrl, …) or one of the constants below.
 */
public record DeadLetterReason(String reason, String description) {

    /** A transient failure on the last delivery the subscription allows. */
    public static final String DELIVERY_LIMIT_REACHED = "DeliveryLimitReached";
    /** A body that is not the message the channel carries. */
    public static final String INVALID_MESSAGE = "InvalidMessage";
    /** A failure not known to be permanent (only seen in metrics of abandoned messages). */
    public static final String PROCESSING_FAILED = "ProcessingFailed";

    public DeadLetterReason {
        Objects.requireNonNull(reason, "reason");
        description = description == null ? "" : description;
    }

    public static DeadLetterReason of(Throwable failure) {
        return new DeadLetterReason(FailureClassifier.reason(failure), MessageSettlement.describe(failure));
    }

    /** "reason: description", as file.failed and chunk.failed carry it. */
    public String text() {
        return description.isEmpty() ? reason : reason + ": " + description;
    }
}
