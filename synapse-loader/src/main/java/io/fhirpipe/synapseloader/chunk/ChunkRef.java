package io.fhirpipe.synapseloader.chunk;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.FileKind;

/**
 * A chunk that passed {@link ChunkBlobPolicy}: its blob name in the {@code chunks} container, what
 * kind of landing file it was cut from, and its ledger id.
 *
 * @param chunkId the ledger key: chunk blob name and SHA-256 of its bytes. A redelivered or
 *                replayed-by-hand event for the same bytes is the same chunk whatever its event id;
 *                a re-split file gets new names (its ETag is in them) and so new ids.
 */
public record ChunkRef(ChunkReady event, FileKind kind, String chunkId) {

    public String exportId() {
        return event.exportId();
    }

    public String resourceType() {
        return event.resourceType();
    }

    public String chunkBlob() {
        return event.chunkBlob();
    }
}
