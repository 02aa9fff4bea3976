package io.fhirpipe.synapseloader.tsql;

/**
 * Empties storage folders before a serverless CETAS writes them again (CETAS fails on a
 * non-empty target), tells whether one already holds files (so it need not be written again), and
 * writes the loader's screened copy of a chunk for the warehouse to read when the chunk blob holds
 * lines it must not load ({@link TSqlWarehouse}).
 */
public interface StorageFolders {

    /**
     * @param path a folder relative to the storage account: the container, then the prefix, e.g.
     *     {@code curated/raw/Patient/c0123/}
     */
    void deleteFolder(String path);

    /**
     * Whether the folder holds at least one file; {@code false} when it cannot tell, and the caller
     * then writes the folder again.
     */
    boolean holdsFiles(String path);

    /**
     * Writes (or overwrites) a blob with the bytes of a local file.
     *
     * @param blobName the blob's name as stored (not URL-encoded), e.g. {@code e1/Patient-0/000000.x.ndjson}
     */
    void upload(String container, String blobName, java.nio.file.Path file);

    /** Deletes one blob if it exists. */
    void deleteFile(String container, String blobName);
}
