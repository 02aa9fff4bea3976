package io.fhirpipe.exporttrigger.schedule;

import io.fhirpipe.exporttrigger.kickoff.ExportStarter;
import io.fhirpipe.exporttrigger.messaging.TriggerChannels;
import io.fhirpipe.exporttrigger.state.WatermarkStore;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.state.ExportRunStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the export starters with plain constructor calls. */
@ApplicationScoped
class ScheduleBeans {

    @Produces
    @Singleton
    ExportStarter exportStarter(
            ExportRunStore runs,
            @Named(TriggerChannels.EXPORT_REQUESTED_OUT) CloudEventPublisher requested,
            Clock clock) {
        return new ExportStarter(runs, requested, clock);
    }

    @Produces
    @Singleton
    ScheduledExportStarter scheduledExportStarter(
            ExportStarter starter, WatermarkStore watermarks, ExportRunStore runs, Clock clock) {
        return new ScheduledExportStarter(starter, watermarks, runs, clock);
    }
}
