package io.fhirpipe.exporttrigger.schedule;

import io.fhirpipe.exporttrigger.kickoff.ExportStarter;
import io.fhirpipe.exporttrigger.state.Watermark;
import io.fhirpipe.exporttrigger.state.WatermarkStore;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Starts the export of one schedule window. Every trigger replica fires the same cron, so the
 * window's export id is derived from the job and the scheduled fire time, and the run record is
 * created with If-None-Match ({@link ExportStarter}): only the replica whose create succeeds
 * publishes the request.
 */
public final class ScheduledExportStarter {

    private static final Logger LOG = Logger.getLogger(ScheduledExportStarter.class);

    /**
     * A window's fire is skipped while the job's last export is still running (it would export the
     * same changes again, from the same watermark; with a schedule shorter than a full export, every
     * fire during the first one started another full export), but not for longer than this: an
     * export stuck before its own deadline must not stop the schedule.
     */
    static final Duration MAX_SKIP = Duration.ofHours(1);

    private final ExportStarter starter;
    private final WatermarkStore watermarks;
    private final ExportRunStore runs;
    private final Clock clock;
    /** The last export this replica started per job; one read of its run at the next fire. */
    private final Map<String, String> lastStarted = new ConcurrentHashMap<>();

    public ScheduledExportStarter(ExportStarter starter, WatermarkStore watermarks, ExportRunStore runs, Clock clock) {
        this.starter = starter;
        this.watermarks = watermarks;
        this.runs = runs;
        this.clock = clock;
    }

    /** What starting one window of a job did: the export id is the window's, whoever started it. */
    public record Started(String exportId, Instant since, ExportStarter.Outcome outcome) {}

    /** @return the export id when this replica started the window's export, empty when another one did */
    public Optional<String> fire(ScheduledJob job, Instant scheduledFireTime) {
        Optional<ExportRun> running = Optional.ofNullable(lastStarted.get(job.name()))
                .flatMap(runs::find)
                .filter(run -> !run.status().isFinal())
                .filter(run -> run.createdAt().plus(MAX_SKIP).isAfter(clock.instant()));
        if (running.isPresent()) {
            LOG.infof(
                    "job %s window %s skipped: its export %s is still %s",
                    job.name(),
                    scheduledFireTime,
                    running.get().exportId(),
                    running.get().status());
            return Optional.empty();
        }
        Started started = start(job, scheduledFireTime);
        return started.outcome() == ExportStarter.Outcome.STARTED ? Optional.of(started.exportId()) : Optional.empty();
    }

    /**
     * Starts the job's export for the window beginning at {@code windowStart} (truncated to the second),
     * incremental from the job's watermark. The export id is derived from job and window, so two
     * replicas firing the same window start one export.
     */
    public Started start(ScheduledJob job, Instant windowStart) {
        Instant window = windowStart.truncatedTo(ChronoUnit.SECONDS);
        String exportId = Ids.scheduledExportId(job.name(), window);
        Instant since =
                watermarks.find(job.name()).map(Watermark::transactionTime).orElse(null);
        Instant now = clock.instant();
        ExportRequested request = new ExportRequested(
                exportId,
                job.name(),
                job.server(),
                job.level(),
                job.groupId(),
                List.of(),
                job.types(),
                since,
                null,
                job.typeFilters(),
                List.of(),
                job.outputFormat(),
                job.container(),
                null,
                null,
                List.of(),
                now,
                "schedule");
        ExportStarter.Outcome outcome = starter.start(request, now);
        switch (outcome) {
            case ALREADY_EXISTS ->
                LOG.debugf(
                        "job %s window %s: export %s exists already (another replica)", job.name(), window, exportId);
            // The run is failed visibly; the watermark is unchanged, so the next window exports this data.
            case BROKER_UNAVAILABLE ->
                LOG.warnf("job %s window %s: the broker refused export %s", job.name(), window, exportId);
            case STARTED -> {
                lastStarted.put(job.name(), exportId);
                LOG.infof(
                        "job %s window %s: started export %s (since %s)",
                        job.name(), window, exportId, since == null ? "the beginning" : since);
            }
        }
        return new Started(exportId, since, outcome);
    }
}
