package io.fhirpipe.runtime.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The poller's record of its poll loop for one export, {@code polls/{exportId}.json}. Only the poller
 * writes it; the trigger's status API reads it, so the run record has a single writer.
 *
 * @param lastRetry why the latest poll has to be tried again (throttled, unreachable, a transient error)
 * @param deletes   how the poller learned the server's deletes (manifest, {@code _history}, soft-deleted)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PollState(
        String exportId,
        int polls,
        String lastProgress,
        Instant lastPolledAt,
        String outcome,
        int filesExpected,
        int errorFiles,
        int retries,
        String lastRetry,
        Instant lastRetryAt,
        String deletes) {

    public static PollState initial(String exportId) {
        return new PollState(exportId, 0, null, null, null, 0, 0, 0, null, null, null);
    }

    public PollState polled(Instant at, String progress) {
        return new PollState(
                exportId,
                polls + 1,
                progress == null ? lastProgress : progress,
                at,
                outcome,
                filesExpected,
                errorFiles,
                retries,
                lastRetry,
                lastRetryAt,
                deletes);
    }

    public PollState retried(Instant at, String why) {
        return new PollState(
                exportId,
                polls,
                lastProgress,
                lastPolledAt,
                outcome,
                filesExpected,
                errorFiles,
                retries + 1,
                why,
                at,
                deletes);
    }

    public PollState ended(String how, int files, int errors) {
        return new PollState(
                exportId,
                polls,
                lastProgress,
                lastPolledAt,
                how,
                files,
                errors,
                retries,
                lastRetry,
                lastRetryAt,
                deletes);
    }

    public PollState withDeletes(String note) {
        return new PollState(
                exportId,
                polls,
                lastProgress,
                lastPolledAt,
                outcome,
                filesExpected,
                errorFiles,
                retries,
                lastRetry,
                lastRetryAt,
                note);
    }
}
