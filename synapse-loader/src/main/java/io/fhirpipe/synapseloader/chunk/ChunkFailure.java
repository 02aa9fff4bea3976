package io.fhirpipe.synapseloader.chunk;

import io.fhirpipe.runtime.failure.PermanentFailure;

/**
 * A chunk that can never load (missing blob, unknown type, a name outside its export, bytes that
 * do not match the announced checksum): the message is dead-lettered and {@code chunk.failed} is
 * published so the export's tracker learns of it.
 */
public class ChunkFailure extends PermanentFailure {

    public static final String CHUNK_NOT_FOUND = "ChunkNotFound";
    public static final String UNKNOWN_RESOURCE_TYPE = "UnknownResourceType";
    public static final String FOREIGN_CHUNK = "ForeignChunk";
    public static final String CHECKSUM_MISMATCH = "ChunkChecksumMismatch";

    public ChunkFailure(String reason, String description) {
        super(reason, description);
    }

    public ChunkFailure(String reason, String description, Throwable cause) {
        super(reason, description, cause);
    }
}
