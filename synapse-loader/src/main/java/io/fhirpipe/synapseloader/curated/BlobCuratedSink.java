package io.fhirpipe.synapseloader.curated;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobStorageException;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.failure.TransientFailure;
import java.nio.file.Path;

/**
 * Layout in the {@code curated} container: {@code {ResourceType}/{view}.parquet}, one file per
 * typed table holding the table's current rows (the ViewDefinition's columns, without the
 * loader's {@code _resource_key}). Each snapshot of a type (after a commit, or debounced, see
 * {@link CuratedSnapshots#publishIfDue}) replaces its files; a blob upload commits
 * atomically, so a reader sees the old or the new snapshot, never a mix.
 */
public final class BlobCuratedSink implements CuratedSink {

    private final BlobServiceClient storage;

    public BlobCuratedSink(BlobServiceClient storage) {
        this.storage = storage;
    }

    public static String blobName(String resourceType, String view) {
        return resourceType + "/" + view + ".parquet";
    }

    @Override
    public void put(String resourceType, String view, Path parquetFile) {
        try {
            storage.getBlobContainerClient(Containers.CURATED)
                    .getBlobClient(blobName(resourceType, view))
                    .uploadFromFile(parquetFile.toString(), true);
        } catch (BlobStorageException e) {
            throw new TransientFailure(
                    "uploading curated " + blobName(resourceType, view) + " failed with HTTP " + e.getStatusCode(),
                    null,
                    e);
        }
    }
}
