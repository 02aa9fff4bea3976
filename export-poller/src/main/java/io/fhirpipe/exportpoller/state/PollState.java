package io.fhirpipe.exportpoller.state;

import java.time.Instant;

/**
 * The poller's own record of an export, {@code state/polls/{exportId}.json}, until the shared
 * ExportRun gains poll fields.
 */
record PollState(
        String exportId,
        int polls,
        String lastProgress,
        Instant lastPolledAt,
        String outcome,
        int filesExpected,
        int errorFiles) {

    public static PollState initial(String exportId) {
        return new PollState(exportId, 0, null, null, null, 0, 0);
    }

    public PollState polled(Instant at, String progress) {
        return new PollState(
                exportId,
                polls + 1,
                progress == null ? lastProgress : progress,
                at,
                outcome,
                filesExpected,
                errorFiles);
    }

    public PollState ended(String how, int files, int errors) {
        return new PollState(exportId, polls, lastProgress, lastPolledAt, how, files, errors);
    }
}
