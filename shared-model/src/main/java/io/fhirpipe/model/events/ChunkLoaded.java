package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** A chunk's rows are in the warehouse (or were already: a redelivered chunk reports its ledger figures). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChunkLoaded(
        String exportId, String resourceType, String chunkBlob, long rowsLoaded, long rowsRejected, Instant loadedAt)
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
