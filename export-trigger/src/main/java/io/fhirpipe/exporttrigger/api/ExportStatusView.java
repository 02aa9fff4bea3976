package io.fhirpipe.exporttrigger.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fhirpipe.exporttrigger.state.LandedFiles;
import io.fhirpipe.exporttrigger.tracking.ExportProgress;
import io.fhirpipe.exporttrigger.tracking.TypeFigures;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.PollState;
import io.fhirpipe.runtime.state.RunError;
import io.fhirpipe.runtime.state.RunEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code GET /exports/{id}} answers: the run record and, once the server has finished, what
 * the tracker knows — per type files, chunks, rows and rejects, mismatches, failed chunks. Each part
 * is read from the document of the service that owns it: the run and the tracker's progress (this
 * service), the poll loop ({@code poll}, {@code deletes}: the poller) and the landed files
 * ({@code filesLanded}, {@code errorFiles}: the transfer). {@code deletes} says how the poller learned
 * what the server deleted (from the manifest's {@code deleted[]} files, or from {@code _history}) and
 * how many it found.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ExportStatusView(
        String exportId,
        String job,
        String server,
        ExportRunStatus status,
        ExportRequested request,
        String statusUrl,
        int kickoffAttempts,
        Timings timings,
        RunError error,
        String deletes,
        Poll poll,
        Progress progress,
        List<LandedFiles.ErrorFile> errorFiles,
        List<RunEvent> history) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timings(
            Instant createdAt,
            Instant acceptedAt,
            Instant exportedAt,
            Instant loadedAt,
            Instant updatedAt,
            Instant transactionTime) {}

    /**
     * The poller's loop while the server builds the export.
     *
     * @param lastProgress the server's latest {@code X-Progress}
     * @param lastRetry    why the latest poll had to be tried again (throttled, unreachable, transient error)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Poll(
            int polls,
            Instant lastPolledAt,
            String lastProgress,
            int retries,
            String lastRetry,
            Instant lastRetryAt,
            String outcome) {

        static Poll of(PollState s) {
            return new Poll(
                    s.polls(),
                    s.lastPolledAt(),
                    s.lastProgress(),
                    s.retries(),
                    s.lastRetry(),
                    s.lastRetryAt(),
                    s.outcome());
        }
    }

    /**
     * @param filesLanded files the transfer has landed per type (also {@code deleted:Type}, {@code error:Type})
     * @param ignoredEvents events that did not match the export (another manifest, a file or chunk it
     *                      does not have, more rows than lines, anything after it loaded) and changed nothing
     * @param ignored       the latest of them, with the reason
     */
    public record Progress(
            String state,
            String detail,
            Map<String, Integer> filesLanded,
            Map<String, TypeFigures> types,
            List<String> mismatches,
            List<String> failedChunks,
            long ignoredEvents,
            List<RunEvent> ignored) {}

    public static ExportStatusView of(
            ExportRun run, Optional<ExportProgress> progress, LandedFiles.Landed files, Optional<PollState> poll) {
        Map<String, Integer> landed = files.perType();
        Timings timings = new Timings(
                run.createdAt(),
                firstAt(run, "accepted"),
                firstAt(run, "exported"),
                firstAt(run, "loaded"),
                run.updatedAt(),
                progress.map(ExportProgress::completed)
                        .map(c -> c.transactionTime())
                        .orElse(null));
        Progress view = progress.map(p -> {
                    ExportProgress.Verdict verdict = p.verdict();
                    return new Progress(
                            verdict.state().name().toLowerCase(java.util.Locale.ROOT),
                            verdict.detail(),
                            landed,
                            p.figures(),
                            p.mismatches(),
                            verdict.failures(),
                            p.ignoredCount(),
                            p.ignored());
                })
                .orElse(
                        landed.isEmpty()
                                ? null
                                : new Progress(
                                        "waiting",
                                        "the FHIR server has not finished the export",
                                        landed,
                                        Map.of(),
                                        List.of(),
                                        List.of(),
                                        0,
                                        List.of()));
        return new ExportStatusView(
                run.exportId(),
                run.job(),
                run.server(),
                run.status(),
                run.request(),
                run.statusUrl(),
                run.kickoffAttempts(),
                timings,
                run.error(),
                poll.map(PollState::deletes).orElse(null),
                poll.map(Poll::of).orElse(null),
                view,
                files.errorFiles().isEmpty() ? null : files.errorFiles(),
                run.history());
    }

    private static Instant firstAt(ExportRun run, String event) {
        return run.history().stream()
                .filter(e -> event.equals(e.event()))
                .map(RunEvent::at)
                .findFirst()
                .orElse(null);
    }
}
