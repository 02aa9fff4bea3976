package io.fhirpipe.synapseloader.tsql;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.fhirpipe.runtime.failure.TransientFailure;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@link StorageFolders} on the loader's own storage account (fhirpipe.storage.*), which must be
 * the account the serverless pool writes to (fhirpipe.loader.sql.storage-account-url).
 */
public final class BlobStorageFolders implements StorageFolders {

    private final BlobServiceClient storage;

    public BlobStorageFolders(BlobServiceClient storage) {
        this.storage = storage;
    }

    @Override
    public void deleteFolder(String path) {
        Folder folder = folder(path);
        if (!folder.container().exists()) {
            return;
        }
        for (BlobItem blob : folder.container().listBlobs(new ListBlobsOptions().setPrefix(folder.prefix()), null)) {
            folder.container().getBlobClient(blob.getName()).deleteIfExists();
        }
    }

    @Override
    public boolean holdsFiles(String path) {
        Folder folder = folder(path);
        return folder.container().exists()
                && folder.container()
                        .listBlobs(
                                new ListBlobsOptions()
                                        .setPrefix(folder.prefix())
                                        .setMaxResultsPerPage(1),
                                null)
                        .iterator()
                        .hasNext();
    }

    @Override
    public void upload(String container, String blobName, Path file) {
        try {
            storage.getBlobContainerClient(container).getBlobClient(blobName).uploadFromFile(file.toString(), true);
        } catch (BlobStorageException e) {
            throw new TransientFailure(
                    "writing " + container + "/" + blobName + " failed with HTTP " + e.getStatusCode(), null, e);
        } catch (UncheckedIOException e) {
            throw new TransientFailure("writing " + container + "/" + blobName + " failed: " + e.getMessage(), null, e);
        }
    }

    @Override
    public void deleteFile(String container, String blobName) {
        storage.getBlobContainerClient(container).getBlobClient(blobName).deleteIfExists();
    }

    private record Folder(BlobContainerClient container, String prefix) {}

    private Folder folder(String path) {
        String checked = StorageLocations.path(path);
        int slash = checked.indexOf('/');
        if (slash <= 0 || slash == checked.length() - 1) {
            throw new IllegalArgumentException("a folder path is container/prefix");
        }
        return new Folder(storage.getBlobContainerClient(checked.substring(0, slash)), checked.substring(slash + 1));
    }
}
