package io.fhirpipe.exporttrigger.schedule;

import io.fhirpipe.exporttrigger.kickoff.ExportKickoff;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.RunError;
import io.fhirpipe.runtime.state.Watermark;
import io.fhirpipe.runtime.state.WatermarkStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts the export of one schedule window. Every trigger replica fires the same cron, so the
 * window's export id is derived from the job and the scheduled fire time, and the run record is
 * created with If-None-Match: only the replica whose create succeeds publishes the request.
 */
public final class ScheduledExportStarter {

    private static final Logger LOG = Logger.getLogger(ScheduledExportStarter.class);

    private final ExportRunStore runs;
    private final WatermarkStore watermarks;
    private final CloudEventPublisher requested;
    private final Clock clock;

    public ScheduledExportStarter(ExportRunStore runs, WatermarkStore watermarks, CloudEventPublisher requested,
            Clock clock) {
        this.runs = runs;
        this.watermarks = watermarks;
        this.requested = requested;
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
        if (!runs.create(ExportRun.requested(request, now))) {
            LOG.debugf("job %s window %s: another replica started export %s", job.name(), window, exportId);
            return Optional.empty();
        }
        try {
            requested.publish(CloudEvent.of(MessageType.EXPORT_REQUESTED, ExportKickoff.SOURCE, request, now))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // Fail the run visibly; the watermark is unchanged, so the next window exports this data.
            runs.update(exportId, r -> r.withFailed(new RunError("request", "could not publish export.requested: "
                    + e, null, List.of()), clock.instant()));
            LOG.errorf("job %s window %s: could not publish export.requested: %s", job.name(), window, e.toString());
            return Optional.empty();
        }
        LOG.infof("job %s window %s: started export %s (since %s)", job.name(), window, exportId,
                since == null ? "the beginning" : since);
        return Optional.of(exportId);
    }
}
