package io.fhirpipe.exporttrigger.tracking;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What the loader reported for one chunk: loaded (with row counts) or failed (with the reason). */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ChunkOutcome(String resourceType, boolean loaded, long rowsLoaded, long rowsRejected, String reason) {

    public static ChunkOutcome loaded(String resourceType, long rowsLoaded, long rowsRejected) {
        return new ChunkOutcome(resourceType, true, rowsLoaded, rowsRejected, null);
    }

    public static ChunkOutcome failed(String resourceType, String reason) {
        return new ChunkOutcome(resourceType, false, 0, 0, reason);
    }
}
