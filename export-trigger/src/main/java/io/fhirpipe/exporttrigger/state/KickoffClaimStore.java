package io.fhirpipe.exporttrigger.state;

import io.fhirpipe.model.storage.StatePaths;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.Versioned;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Kick-off claims in the state container ({@code kickoffs/{exportId}.json}), taken and released
 * with ETag conditions, so that of several handlers of the same request exactly one calls the server.
 */
public final class KickoffClaimStore {

    private final JsonBlobStore blobs;

    public KickoffClaimStore(JsonBlobStore blobs) {
        this.blobs = blobs;
    }

    /** Outcome of {@link #claim}: won (call the server now), or busy until a time (another holder, or a retry). */
    public sealed interface Result {
        record Won(KickoffClaim claim) implements Result {}

        record Busy(KickoffClaim claim) implements Result {}
    }

    /** Tries to claim kick-off attempt {@code attempt} for {@code holder}, for {@code lease}. */
    public Result claim(String exportId, int attempt, String holder, Instant now, Duration lease) {
        KickoffClaim result = blobs.upsert(
                name(exportId),
                KickoffClaim.class,
                KickoffClaim.none(exportId),
                c -> c.claim(attempt, holder, now, lease));
        return result.heldBy(holder, attempt) ? new Result.Won(result) : new Result.Busy(result);
    }

    public Optional<KickoffClaim> find(String exportId) {
        return blobs.read(name(exportId), KickoffClaim.class).map(Versioned::value);
    }

    /** The attempt ended in "try again later": no next attempt before {@code at}. */
    public void retryAt(String exportId, Instant at, Instant now) {
        blobs.update(name(exportId), KickoffClaim.class, c -> c.retryingAt(at, now));
    }

    /** export.accepted is safely with the broker: repeated requests need not announce it again. */
    public void announced(String exportId) {
        blobs.update(name(exportId), KickoffClaim.class, KickoffClaim::announcedNow);
    }

    private static String name(String exportId) {
        return StatePaths.kickoffClaim(exportId);
    }
}
