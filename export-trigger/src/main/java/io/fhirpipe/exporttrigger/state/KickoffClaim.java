package io.fhirpipe.exporttrigger.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;

/**
 * Who may call the FHIR server's {@code $export} for one export, and when. Copies of one
 * {@code export.requested} can be handled at the same time (concurrent consumers, replicas, a message
 * posted twice); only the handler that wins the claim of an attempt kicks it off, so an export id is
 * kicked off once per attempt. A claim whose holder died (crashed mid-call) expires and can be taken
 * over; a claim that ended in a retry blocks further attempts until {@code retryAt}.
 *
 * @param attempt   the kick-off attempt claimed (1 = the first); 0 for a claim never taken
 * @param holder    an id of the handler holding the claim (one per handling, never reused)
 * @param expiresAt until when the holder's kick-off may still be in flight
 * @param retryAt   when the attempt ended in "retry later": the next attempt not before this
 * @param announced export.accepted was confirmed by the broker after the server accepted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KickoffClaim(
        String exportId,
        int attempt,
        String holder,
        Instant claimedAt,
        Instant expiresAt,
        Instant retryAt,
        boolean announced) {

    static KickoffClaim none(String exportId) {
        return new KickoffClaim(exportId, 0, null, null, null, null, false);
    }

    /** This claim taken for {@code wanted} by {@code by}, or this claim unchanged when it cannot be taken now. */
    KickoffClaim claim(int wanted, String by, Instant now, Duration lease) {
        KickoffClaim taken = new KickoffClaim(exportId, wanted, by, now, now.plus(lease), null, false);
        if (wanted < attempt) {
            return this;
        }
        if (retryAt != null) {
            // Attempt `attempt` is over and asked to wait: only the next one, and only when due.
            return wanted > attempt && !now.isBefore(retryAt) ? taken : this;
        }
        if (expiresAt == null || !now.isBefore(expiresAt)) {
            // Never claimed, or the holder never recorded an outcome within its lease: it died mid-call.
            return taken;
        }
        return this;
    }

    boolean heldBy(String by, int wanted) {
        return attempt == wanted && by.equals(holder);
    }

    /** When this claim may be tried for again: the retry's time, or the end of the holder's lease. */
    public Instant busyUntil() {
        return retryAt != null ? retryAt : expiresAt;
    }

    KickoffClaim retryingAt(Instant at, Instant now) {
        return new KickoffClaim(exportId, attempt, holder, claimedAt, now, at, false);
    }

    KickoffClaim announcedNow() {
        return new KickoffClaim(exportId, attempt, holder, claimedAt, expiresAt, retryAt, true);
    }
}
