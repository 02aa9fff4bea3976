package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * An export ended without data.
 *
 * @param stage where it failed: {@code kickoff}, {@code poll}, {@code transfer}, {@code cancelled}
 * @param diagnostics the server's OperationOutcome diagnostics, when it sent any
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ExportFailed(
        String exportId,
        String job,
        String stage,
        String reason,
        Integer httpStatus,
        List<String> diagnostics,
        Instant failedAt)
        implements EventData {

    public ExportFailed {
        diagnostics = diagnostics == null ? List.of() : List.copyOf(diagnostics);
    }

    @Override
    public List<String> identity() {
        return List.of(exportId, stage);
    }
}
