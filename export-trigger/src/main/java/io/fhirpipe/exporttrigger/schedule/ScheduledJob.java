package io.fhirpipe.exporttrigger.schedule;

import io.fhirpipe.model.events.ExportLevel;
import java.util.List;

/** A named incremental export job, as configured. */
public record ScheduledJob(
        String name,
        String cron,
        String server,
        ExportLevel level,
        String groupId,
        List<String> types,
        List<String> typeFilters,
        String outputFormat,
        String container) {

    public ScheduledJob {
        types = types == null ? List.of() : List.copyOf(types);
        typeFilters = typeFilters == null ? List.of() : List.copyOf(typeFilters);
    }
}
