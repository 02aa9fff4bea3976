package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** The FHIR server finished an export; these are the files the rest of the pipeline must account for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportCompleted(
        String exportId, String job, Instant transactionTime, List<ExpectedFile> files, Instant completedAt)
        implements EventData {

    public ExportCompleted {
        files = files == null ? List.of() : List.copyOf(files);
    }

    @Override
    public List<String> identity() {
        return List.of(exportId);
    }
}
