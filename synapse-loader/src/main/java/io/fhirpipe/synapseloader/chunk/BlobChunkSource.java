package io.fhirpipe.synapseloader.chunk;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.TransientFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Downloads a chunk from the configured account's {@code chunks} container to a local file, which
 * DuckDB then reads in bulk. A missing blob can never appear later under the same name (names
 * carry the source's ETag), so it fails the chunk; anything else from storage is transient.
 */
public final class BlobChunkSource implements ChunkSource {

    private final BlobServiceClient storage;

    public BlobChunkSource(BlobServiceClient storage) {
        this.storage = storage;
    }

    @Override
    public LocalChunk fetch(ChunkRef chunk, Path workDirectory) {
        Path file;
        try {
            file = Files.createTempFile(workDirectory, "chunk-", ".ndjson");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file in " + workDirectory, e);
        }
        try {
            storage.getBlobContainerClient(Containers.CHUNKS)
                    .getBlobClient(chunk.chunkBlob())
                    .downloadToFile(file.toString(), true);
            return new LocalChunk(file, true);
        } catch (BlobStorageException e) {
            delete(file);
            if (e.getStatusCode() == 404
                    || BlobErrorCode.BLOB_NOT_FOUND.equals(e.getErrorCode())
                    || BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
                throw new ChunkFailure(
                        ChunkFailure.CHUNK_NOT_FOUND,
                        "chunk blob '" + chunk.chunkBlob() + "' does not exist in container " + Containers.CHUNKS);
            }
            throw new TransientFailure(
                    "downloading chunk " + chunk.chunkBlob() + " failed with HTTP " + e.getStatusCode() + " ("
                            + e.getErrorCode() + ")",
                    null,
                    e);
        } catch (RuntimeException e) {
            delete(file);
            if (FailureClassifier.isTransientIo(e) || e.getCause() != null) {
                throw new TransientFailure(
                        "downloading chunk " + chunk.chunkBlob() + " failed: " + e.getMessage(), null, e);
            }
            throw e;
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
