package io.fhirpipe.exporttrigger.tracking;

import io.fhirpipe.exporttrigger.messaging.TriggerChannels;
import io.fhirpipe.exporttrigger.state.WatermarkStore;
import io.fhirpipe.exporttrigger.tracking.ExportProgress.Verdict;
import io.fhirpipe.model.events.ChunkFailed;
import io.fhirpipe.model.events.ChunkLoaded;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.ExportFailed;
import io.fhirpipe.model.events.ExportLoaded;
import io.fhirpipe.model.events.FileFailed;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.RunError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Follows each export from export.completed to "loaded": records what every later step reports,
 * and when every expected chunk of every expected file is loaded, marks the run loaded, advances the
 * job's watermark to the export's transactionTime and publishes export.loaded. Every step is
 * repeatable, so a redelivered event (or a crash between two steps) leads to the same end state and
 * the same export.loaded id.
 */
@ApplicationScoped
class ExportTracker {

    static final String SOURCE = "/fhirpipe/export-tracker";
    private static final Logger LOG = Logger.getLogger(ExportTracker.class);

    @Inject
    ExportProgressStore progress;

    @Inject
    ExportRunStore runs;

    @Inject
    WatermarkStore watermarks;

    @Inject
    @Named(TriggerChannels.EXPORT_LOADED_OUT)
    CloudEventPublisher loaded;

    @Inject
    Clock clock;

    public void onCompleted(ExportCompleted event) {
        Instant now = clock.instant();
        if (!tracked(event.exportId(), "export.completed")) {
            return;
        }
        record(event.exportId(), "export.completed", p -> p.withCompleted(event, now), now)
                .ifPresent(current -> {
                    updateRun(
                            event.exportId(),
                            run -> run.status() == ExportRunStatus.REQUESTED || run.status() == ExportRunStatus.ACCEPTED
                                    ? run.withExported(now, exported(event))
                                    : run);
                    conclude(current);
                });
    }

    /** What the run's history says of the manifest: the poller that read it writes no run record. */
    static String exported(ExportCompleted event) {
        long errors =
                event.files().stream().filter(f -> f.kind() == FileKind.ERROR).count();
        return event.files().size() + " file(s) expected (" + errors + " error file(s)), transactionTime "
                + event.transactionTime();
    }

    public void onSplit(SplitCompleted event) {
        Instant now = clock.instant();
        track(event.exportId(), "split.completed", p -> p.withSplit(event, now), now);
    }

    public void onChunkLoaded(ChunkLoaded event) {
        Instant now = clock.instant();
        track(event.exportId(), "chunk.loaded", p -> p.withChunk(event, now), now);
    }

    public void onChunkFailed(ChunkFailed event) {
        Instant now = clock.instant();
        track(event.exportId(), "chunk.failed", p -> p.withChunk(event, now), now);
    }

    /** A file the transfer or the splitter gave up: the export fails once nothing else is pending. */
    public void onFileFailed(FileFailed event) {
        Instant now = clock.instant();
        track(event.exportId(), "file.failed", p -> p.withFileFailed(event, now), now);
    }

    private void track(String exportId, String what, UnaryOperator<ExportProgress> change, Instant now) {
        if (tracked(exportId, what)) {
            record(exportId, what, change, now).ifPresent(this::conclude);
        }
    }

    /**
     * Only exports this trigger kicked off (a run record the server accepted) are tracked: an event
     * for any other export id creates no state at all. The run record is written before the server
     * is asked, so a real export's events always find it; none can be "still coming".
     */
    private boolean tracked(String exportId, String what) {
        if (!Ids.isSafe(exportId)) {
            LOG.warnf("%s for export id %s ignored: not an export id", what, LogValues.quoted(exportId));
            return false;
        }
        Optional<ExportRun> run = runs.find(exportId);
        if (run.isEmpty() || run.get().statusUrl() == null) {
            LOG.warnf(
                    "%s for export %s ignored: %s",
                    what,
                    exportId,
                    run.isEmpty()
                            ? "no such export was requested"
                            : "the FHIR server never accepted it (" + run.get().status() + ")");
            return false;
        }
        return true;
    }

    /** Applies the event to the progress document; empty when the document ignored it (logged, counted there). */
    private Optional<ExportProgress> record(
            String exportId, String what, UnaryOperator<ExportProgress> change, Instant now) {
        AtomicReference<ExportProgress> before = new AtomicReference<>();
        ExportProgress current = progress.apply(exportId, now, p -> {
            // The change may run again on a fresher document: only the last run counts.
            before.set(p);
            return change.apply(p);
        });
        long newlyIgnored = current.ignoredCount() - before.get().ignoredCount();
        if (newlyIgnored > 0) {
            String reason = LogValues.escaped(
                    current.ignored().get(current.ignored().size() - 1).detail());
            if (current.sameReportsAs(before.get())) {
                LOG.warnf("%s for export %s ignored: %s", what, exportId, reason);
                return Optional.empty();
            }
            // Applied; reports held until it came did not fit and were dropped (also shown with the progress).
            LOG.warnf("%s for export %s dropped %d held report(s), the last: %s", what, exportId, newlyIgnored, reason);
        }
        return Optional.of(current);
    }

    /**
     * Records the failure the poller (or a person replaying a message) announced: the trigger is the
     * only writer of the run record. The first failure stays; a run that ended otherwise is left alone.
     */
    public void onFailed(ExportFailed event) {
        Instant now = clock.instant();
        updateRun(
                event.exportId(),
                run -> run.status().isFinal()
                        ? run
                        : run.withFailed(
                                new RunError(event.stage(), event.reason(), event.httpStatus(), event.diagnostics()),
                                now));
    }

    private void conclude(ExportProgress current) {
        Verdict verdict = current.verdict();
        if (verdict.state() == Verdict.State.WAITING) {
            return;
        }
        Instant now = clock.instant();
        List<String> mismatches = current.mismatches();
        if (verdict.state() == Verdict.State.FAILED) {
            updateRun(
                    current.exportId(),
                    run -> run.status() == ExportRunStatus.FAILED
                            ? run
                            : run.withFailed(new RunError("load", verdict.detail(), null, verdict.failures()), now));
            LOG.warnf("export %s failed to load: %s", current.exportId(), LogValues.escaped(verdict.failures()));
            return;
        }
        String detail = mismatches.isEmpty()
                ? "every expected chunk is loaded; figures reconcile"
                : "every expected chunk is loaded; MISMATCH: " + String.join("; ", mismatches);
        Optional<ExportRun> run = updateRun(
                current.exportId(),
                r -> r.status() == ExportRunStatus.LOADED || r.status() == ExportRunStatus.CANCELLED
                        ? r
                        : r.withLoaded(now, detail));
        if (run.isPresent() && run.get().status() == ExportRunStatus.CANCELLED) {
            return;
        }
        String job = current.completed().job();
        Instant transactionTime = current.completed().transactionTime();
        if (job != null && transactionTime != null) {
            // Monotonic: a late replay of an older export never moves the watermark back.
            watermarks.advance(job, transactionTime, current.exportId(), now);
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        for (TypeFigures f : current.figures().values()) {
            rows.put(f.resourceType(), f.rowsLoaded());
        }
        loaded.publishAndWait(CloudEvent.of(
                MessageType.EXPORT_LOADED,
                SOURCE,
                new ExportLoaded(current.exportId(), job, transactionTime, rows, now),
                now));
        LOG.infof(
                "export %s loaded: %s%s",
                current.exportId(), rows, mismatches.isEmpty() ? "" : " MISMATCH " + mismatches);
    }

    /** An export.failed may name a run this trigger never recorded (posted by hand): nothing to update then. */
    private Optional<ExportRun> updateRun(String exportId, java.util.function.UnaryOperator<ExportRun> change) {
        if (runs.find(exportId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(runs.update(exportId, change));
    }
}
