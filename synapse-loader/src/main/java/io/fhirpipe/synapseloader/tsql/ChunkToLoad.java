package io.fhirpipe.synapseloader.tsql;

import io.fhirpipe.sqlonfhir.sql.SqlIdentifiers;

/**
 * A chunk as the T-SQL dialects see it.
 *
 * @param chunkId the ledger key (free text, escaped as a literal)
 * @param resourceType a FHIR resource type name (validated as an identifier)
 * @param exportId the export the chunk came from (free text, escaped as a literal)
 * @param location where the warehouse reads the chunk: an absolute blob URL for COPY INTO
 *     (dedicated, Fabric), or a path relative to the external data source (serverless)
 * @param rejectedBefore lines of the chunk the loader rejected and left out of {@code location}
 *     (its screened copy): added to the lines the warehouse rejects in the ledger row
 */
record ChunkToLoad(String chunkId, String resourceType, String exportId, String location, long rejectedBefore) {

    /** A chunk the warehouse reads whole. */
    public ChunkToLoad(String chunkId, String resourceType, String exportId, String location) {
        this(chunkId, resourceType, exportId, location, 0);
    }

    public ChunkToLoad {
        if (rejectedBefore < 0) {
            throw new IllegalArgumentException("rejectedBefore must not be negative");
        }
        SqlIdentifiers.requireValid(resourceType, "resource type");
        if (chunkId == null || chunkId.isBlank() || chunkId.length() > 400) {
            throw new IllegalArgumentException("chunk id must be 1..400 characters");
        }
        if (exportId == null || exportId.isBlank() || exportId.length() > 400) {
            throw new IllegalArgumentException("export id must be 1..400 characters");
        }
        if (chunkId.chars().anyMatch(Character::isISOControl)
                || exportId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("chunk and export ids must not contain control characters");
        }
    }

    /** Identifier-safe key of the chunk id. */
    public String key() {
        return TSqlText.chunkKey(chunkId);
    }
}
