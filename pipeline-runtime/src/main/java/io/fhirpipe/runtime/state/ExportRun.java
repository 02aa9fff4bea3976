package io.fhirpipe.runtime.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fhirpipe.model.events.ExportRequested;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The record of one export run, kept in the state container. Every change goes through one of the
 * {@code with...} methods, which return a new run with the change and a history line. Only the
 * export-trigger writes it (other services announce their facts as events); the poller reads it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportRun(
        String exportId,
        String job,
        String server,
        ExportRunStatus status,
        ExportRequested request,
        String statusUrl,
        int kickoffAttempts,
        Instant createdAt,
        Instant updatedAt,
        RunError error,
        List<RunEvent> history) {

    /** Long-running retries must not grow a run record without bound. */
    static final int MAX_HISTORY = 200;

    public ExportRun {
        history = history == null ? List.of() : List.copyOf(history);
    }

    public static ExportRun requested(ExportRequested request, Instant now) {
        return new ExportRun(
                request.exportId(),
                request.job(),
                request.server(),
                ExportRunStatus.REQUESTED,
                request,
                null,
                0,
                now,
                now,
                null,
                List.of(new RunEvent(now, "requested", "origin " + request.origin())));
    }

    public ExportRun withKickoffRetry(Instant now, String detail) {
        return new ExportRun(
                exportId,
                job,
                server,
                status,
                request,
                statusUrl,
                kickoffAttempts + 1,
                createdAt,
                now,
                error,
                append(now, "kickoff-retry", detail));
    }

    public ExportRun withAccepted(String acceptedStatusUrl, Instant now) {
        return new ExportRun(
                exportId,
                job,
                server,
                ExportRunStatus.ACCEPTED,
                request,
                acceptedStatusUrl,
                kickoffAttempts + 1,
                createdAt,
                now,
                null,
                append(now, "accepted", acceptedStatusUrl));
    }

    /** The FHIR server finished; the files are on their way through the pipeline. */
    public ExportRun withExported(Instant now, String detail) {
        return new ExportRun(
                exportId,
                job,
                server,
                ExportRunStatus.EXPORTED,
                request,
                statusUrl,
                kickoffAttempts,
                createdAt,
                now,
                error,
                append(now, "exported", detail));
    }

    public ExportRun withLoaded(Instant now, String detail) {
        return new ExportRun(
                exportId,
                job,
                server,
                ExportRunStatus.LOADED,
                request,
                statusUrl,
                kickoffAttempts,
                createdAt,
                now,
                null,
                append(now, "loaded", detail));
    }

    public ExportRun withCancelled(Instant now, String detail) {
        return new ExportRun(
                exportId,
                job,
                server,
                ExportRunStatus.CANCELLED,
                request,
                statusUrl,
                kickoffAttempts,
                createdAt,
                now,
                error,
                append(now, "cancelled", detail));
    }

    /** A line in the history without a change of status (e.g. what the server said to a cancel). */
    public ExportRun withNote(Instant now, String event, String detail) {
        return new ExportRun(
                exportId,
                job,
                server,
                status,
                request,
                statusUrl,
                kickoffAttempts,
                createdAt,
                now,
                error,
                append(now, event, detail));
    }

    public ExportRun withFailed(RunError failure, Instant now) {
        return new ExportRun(
                exportId,
                job,
                server,
                ExportRunStatus.FAILED,
                request,
                statusUrl,
                kickoffAttempts,
                createdAt,
                now,
                failure,
                append(now, "failed", failure.stage() + ": " + failure.reason()));
    }

    private List<RunEvent> append(Instant at, String event, String detail) {
        List<RunEvent> next = new ArrayList<>(history);
        next.add(new RunEvent(at, event, detail));
        while (next.size() > MAX_HISTORY) {
            // Keep the first line (how the run began) and the most recent ones.
            next.remove(1);
        }
        return next;
    }
}
