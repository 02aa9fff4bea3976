package io.fhirpipe.exporttrigger.schedule;

import io.fhirpipe.exporttrigger.kickoff.ExportStarter;
import io.fhirpipe.model.events.ExportRequested;

import java.util.List;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.runtime.state.Watermark;
import io.fhirpipe.runtime.state.WatermarkStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Starts the export of one schedule window. Every trigger replica fires the same cron, so the
 * window's export id is derived from the job and the scheduled fire time, and the run record is
 * created with If-None-Match ({@link ExportStarter}): only the replica whose create succeeds
 * publishes the request.
 */
public final class ScheduledExportStarter {

    private static final Logger LOG = Logger.getLogger(ScheduledExportStarter.class);

    private final ExportStarter starter;
    private final WatermarkStore watermarks;
    private final Clock clock;

    public ScheduledExportStarter(ExportStarter starter, WatermarkStore watermarks, Clock clock) {
        this.starter = starter;
        this.watermarks = watermarks;
        this.clock = clock;
    }

    /** @return the export id when this replica started the window's export, empty when another one did */
    public Optional<String> fire(ScheduledJob job, Instant scheduledFireTime) {
        Instant window = scheduledFireTime.truncatedTo(ChronoUnit.SECONDS);
        String exportId = Ids.scheduledExportId(job.name(), window);
        Instant since = watermarks.find(job.name()).map(Watermark::transactionTime).orElse(null);
        Instant now = clock.instant();
        ExportRequested request = new ExportRequested(exportId, job.name(), job.server(), job.level(), job.groupId(),
                List.of(), job.types(), since, null, job.typeFilters(), List.of(), job.outputFormat(),
                job.container(), null, null, List.of(), now, "schedule");
        ExportStarter.Outcome outcome = starter.start(request, now);
        if (outcome == ExportStarter.Outcome.ALREADY_EXISTS) {
            LOG.debugf("job %s window %s: another replica started export %s", job.name(), window, exportId);
            return Optional.empty();
        }
        if (outcome == ExportStarter.Outcome.BROKER_UNAVAILABLE) {
            // The run is failed visibly; the watermark is unchanged, so the next window exports this data.
            return Optional.empty();
        }
        LOG.infof("job %s window %s: started export %s (since %s)", job.name(), window, exportId,
                since == null ? "the beginning" : since);
        return Optional.of(exportId);
    }
}
