package io.fhirpipe.exporttrigger.schedule;

import io.fhirpipe.exporttrigger.messaging.TriggerChannels;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.WatermarkStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Wires the schedule starter with a plain constructor call. */
@ApplicationScoped
public class ScheduleBeans {

    @Produces
    @Singleton
    ScheduledExportStarter scheduledExportStarter(ExportRunStore runs, WatermarkStore watermarks,
            @Named(TriggerChannels.EXPORT_REQUESTED_OUT) CloudEventPublisher requested, Clock clock) {
        return new ScheduledExportStarter(runs, watermarks, requested, clock);
    }
}
