package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** A chunk can never load; it was dead-lettered with this reason. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChunkFailed(String exportId, String resourceType, String chunkBlob, String reason, Instant failedAt)
        implements EventData {

    @Override
    public List<String> identity() {
        return List.of(exportId, chunkBlob);
    }

    @Override
    public String subject() {
        return resourceType;
    }
}
