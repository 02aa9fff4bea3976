package io.fhirpipe.runtime.state;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.model.messages.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Small JSON documents in a blob container, written with optimistic concurrency on the ETag: the
 * state of the pipeline lives in storage so that any replica can pick up where another stopped.
 */
public final class JsonBlobStore {

    private static final int MAX_UPDATE_ATTEMPTS = 20;

    private final BlobContainerClient container;
    private final ObjectMapper mapper = Json.mapper();

    public JsonBlobStore(BlobContainerClient container) {
        this.container = container;
    }

    public <T> Optional<Versioned<T>> read(String name, Class<T> type) {
        BlobClient blob = container.getBlobClient(name);
        try {
            var response = blob.downloadContentWithResponse(null, null, null, null);
            T value = mapper.readValue(response.getValue().toBytes(), type);
            return Optional.of(
                    new Versioned<>(value, response.getDeserializedHeaders().getETag()));
        } catch (BlobStorageException e) {
            if (e.getErrorCode() == BlobErrorCode.BLOB_NOT_FOUND || e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("state blob " + name + " is not valid JSON for " + type.getSimpleName(), e);
        }
    }

    /** The names of the documents under a prefix, in the storage's (lexicographic) order. */
    public java.util.List<String> names(String prefix) {
        java.util.List<String> names = new java.util.ArrayList<>();
        container
                .listBlobs(new com.azure.storage.blob.models.ListBlobsOptions().setPrefix(prefix), null)
                .forEach(item -> names.add(item.getName()));
        return names;
    }

    /** Writes the value only if no blob of that name exists; false when another writer was first. */
    public boolean createIfAbsent(String name, Object value) {
        try {
            write(name, value, new BlobRequestConditions().setIfNoneMatch("*"));
            return true;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Read, change, write back if nobody wrote in between; otherwise re-read and apply the change
     * again. {@code change} may therefore run more than once and must be a pure function.
     */
    public <T> T update(String name, Class<T> type, UnaryOperator<T> change) {
        for (int attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
            Versioned<T> current = read(name, type)
                    .orElseThrow(() -> new IllegalStateException("state blob " + name + " does not exist"));
            T changed = change.apply(current.value());
            if (changed.equals(current.value())) {
                return changed;
            }
            try {
                write(name, changed, new BlobRequestConditions().setIfMatch(current.etag()));
                return changed;
            } catch (BlobStorageException e) {
                if (e.getStatusCode() != 412 && e.getStatusCode() != 409) {
                    throw e;
                }
            }
        }
        throw new ConcurrentUpdateException(
                "state blob " + name + " changed under " + MAX_UPDATE_ATTEMPTS + " consecutive update attempts");
    }

    /**
     * Like {@link #update} but creates the document from {@code initial} when it does not exist.
     */
    public <T> T upsert(String name, Class<T> type, T initial, UnaryOperator<T> change) {
        for (int attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
            if (read(name, type).isEmpty()) {
                T created = change.apply(initial);
                if (createIfAbsent(name, created)) {
                    return created;
                }
                continue;
            }
            return update(name, type, change);
        }
        throw new ConcurrentUpdateException("state blob " + name + " kept changing while being created");
    }

    private void write(String name, Object value, BlobRequestConditions conditions) {
        byte[] bytes;
        try {
            bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise state " + name, e);
        }
        container
                .getBlobClient(name)
                .uploadWithResponse(
                        new BlobParallelUploadOptions(BinaryData.fromBytes(bytes))
                                .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                                .setRequestConditions(conditions),
                        null,
                        null);
    }
}
