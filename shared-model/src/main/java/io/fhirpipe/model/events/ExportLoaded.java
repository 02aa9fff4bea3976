package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Every expected chunk of an export is loaded; the job's watermark has advanced to {@code transactionTime}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportLoaded(
        String exportId, String job, Instant transactionTime, Map<String, Long> rowsPerType, Instant loadedAt)
        implements EventData {

    public ExportLoaded {
        rowsPerType = rowsPerType == null ? Map.of() : Map.copyOf(rowsPerType);
    }

    @Override
    public List<String> identity() {
        return List.of(exportId);
    }
}
