package io.fhirpipe.exporttrigger.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.runtime.state.ExportProgress;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.RunError;
import io.fhirpipe.runtime.state.RunEvent;
import io.fhirpipe.runtime.state.TypeFigures;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code GET /exports/{id}} answers: the run record and, once the server has finished, what
 * the tracker knows — per type files, chunks, rows and rejects, mismatches, failed chunks.
 * {@code deletes} says how the poller learned what the server deleted (from the manifest's
 * {@code deleted[]} files, or from {@code _history}) and how many it found.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportStatusView(
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
        Progress progress,
        List<RunEvent> history) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timings(Instant createdAt, Instant acceptedAt, Instant exportedAt, Instant loadedAt,
            Instant updatedAt, Instant transactionTime) {
    }

    /**
     * @param filesLanded files the transfer has landed per type (also {@code deleted:Type}, {@code error:Type})
     * @param ignoredEvents events that did not match the export (another manifest, a file or chunk it
     *                      does not have, more rows than lines, anything after it loaded) and changed nothing
     * @param ignored       the latest of them, with the reason
     */
    public record Progress(String state, String detail, Map<String, Integer> filesLanded,
            Map<String, TypeFigures> types, List<String> mismatches, List<String> failedChunks, long ignoredEvents,
            List<RunEvent> ignored) {
    }

    public static ExportStatusView of(ExportRun run, Optional<ExportProgress> progress, Map<String, Integer> landed) {
        Timings timings = new Timings(run.createdAt(), firstAt(run, "accepted"), firstAt(run, "exported"),
                firstAt(run, "loaded"), run.updatedAt(),
                progress.map(ExportProgress::completed).map(c -> c.transactionTime()).orElse(null));
        Progress view = progress.map(p -> {
            ExportProgress.Verdict verdict = p.verdict();
            return new Progress(verdict.state().name().toLowerCase(java.util.Locale.ROOT), verdict.detail(), landed,
                    p.figures(), p.mismatches(), verdict.failures(), p.ignoredCount(), p.ignored());
        }).orElse(landed.isEmpty() ? null : new Progress("waiting", "the FHIR server has not finished the export",
                landed, Map.of(), List.of(), List.of(), 0, List.of()));
        return new ExportStatusView(run.exportId(), run.job(), run.server(), run.status(), run.request(),
                run.statusUrl(), run.kickoffAttempts(), timings, run.error(), lastDetail(run, "deletes"), view,
                run.history());
    }

    private static String lastDetail(ExportRun run, String event) {
        String detail = null;
        for (RunEvent e : run.history()) {
            if (event.equals(e.event())) {
                detail = e.detail();
            }
        }
        return detail;
    }

    private static Instant firstAt(ExportRun run, String event) {
        return run.history().stream().filter(e -> event.equals(e.event())).map(RunEvent::at).findFirst().orElse(null);
    }
}
