package io.fhirpipe.exporttrigger.api;

import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import java.time.Instant;

/** One line of {@code GET /exports}. */
record ExportSummary(
        String exportId,
        String job,
        String server,
        ExportRunStatus status,
        Instant createdAt,
        Instant updatedAt,
        String href) {

    static ExportSummary of(ExportRun run) {
        return new ExportSummary(
                run.exportId(),
                run.job(),
                run.server(),
                run.status(),
                run.createdAt(),
                run.updatedAt(),
                "/exports/" + run.exportId());
    }
}
