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

    /**
     * The soft-deleted lines of this chunk of resources, applied as deletions under a ledger row of
     * their own, so a redelivery after they were applied but before the rows were does not apply
     * them twice.
     */
    public ChunkRef softDeletedPart() {
        return new ChunkRef(event, FileKind.DELETED, chunkId + "/soft-deleted");
    }

    /**
     * The deletions of one resource type in a chunk of a manifest's {@code Bundle} deleted file, which
     * may delete any type: applied as that type, under their own ledger row, or under the chunk's own
     * ({@code last}), which then records the whole chunk as done.
     */
    public ChunkRef deletionsOf(String resourceType, boolean last) {
        ChunkReady typed = new ChunkReady(
                event.exportId(),
                resourceType,
                event.sourceBlob(),
                event.sourceEtag(),
                event.chunkBlob(),
                event.chunkIndex(),
                event.lineCount(),
                event.bytes(),
                event.sha256());
        return new ChunkRef(typed, FileKind.DELETED, last ? chunkId : chunkId + "/" + resourceType);
    }
}
