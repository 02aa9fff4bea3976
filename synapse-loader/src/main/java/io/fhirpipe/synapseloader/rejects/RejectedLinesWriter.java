package io.fhirpipe.synapseloader.rejects;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobStorageException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fhirpipe.model.ndjson.LineRejection;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes the lines of a chunk that could not be loaded to the {@code rejected} container, one JSON
 * object per line: chunk blob, line number, reason, whether the line was cut, and the line.
 * The name is derived from the chunk ({@code {chunk without .ndjson}.loader-rejected.ndjson}, next
 * to the splitter's own {@code rejected.ndjson} of the source), so a redelivery overwrites the same
 * blob with the same bytes. It is written before the load commits: once the ledger says a chunk is
 * loaded, its rejects are already safe.
 */
public final class RejectedLinesWriter {

    private static final JsonFactory JSON = new JsonFactory();

    private final BlobServiceClient storage;

    public RejectedLinesWriter(BlobServiceClient storage) {
        this.storage = storage;
    }

    public static String blobName(String chunkBlob) {
        String stem = chunkBlob.endsWith(".ndjson") ? chunkBlob.substring(0, chunkBlob.length() - 7) : chunkBlob;
        return stem + ".loader-rejected.ndjson";
    }

    public void write(ChunkRef chunk, List<LineRejection> rejections) {
        if (rejections.isEmpty()) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (LineRejection r : rejections) {
                try (JsonGenerator g = JSON.createGenerator(out)) {
                    g.writeStartObject();
                    g.writeStringField("chunkBlob", chunk.chunkBlob());
                    g.writeStringField("exportId", chunk.exportId());
                    g.writeStringField("resourceType", chunk.resourceType());
                    g.writeNumberField("lineNumber", r.lineNumber());
                    g.writeStringField("reason", r.reason());
                    g.writeBooleanField("truncated", r.truncated());
                    g.writeStringField("line", r.line());
                    g.writeEndObject();
                }
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            storage.getBlobContainerClient(Containers.REJECTED)
                    .getBlobClient(blobName(chunk.chunkBlob()))
                    .getBlockBlobClient()
                    .upload(BinaryData.fromBytes(out.toByteArray()), true);
        } catch (BlobStorageException e) {
            throw new TransientFailure(
                    "writing rejected lines of " + chunk.chunkBlob() + " failed with HTTP " + e.getStatusCode(),
                    null,
                    e);
        }
    }
}
