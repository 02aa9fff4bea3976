package io.fhirpipe.ndjsonsplitter.output;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fhirpipe.model.ndjson.LineRejection;
import io.fhirpipe.model.storage.ChunkNames;
import io.fhirpipe.ndjsonsplitter.chunking.ChunkSink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Writes chunks and rejected lines to blob storage as they are produced. Each chunk is a block
 * blob written through {@link BlockUploader}: blocks are staged in the background while the
 * chunker keeps reading (bounded), and the blob appears only when its block list is committed.
 * Rejected lines of one source file go to one NDJSON blob in the rejected container, one record
 * per line: source blob, ETag, line number, reason and the line (an excerpt if it was oversized).
 */
public final class BlobChunkSink implements ChunkSink, AutoCloseable {

    public static final String NDJSON = "application/x-ndjson";
    private static final JsonFactory JSON = new JsonFactory();

    private final BlobContainerClient chunks;
    private final BlobContainerClient rejected;
    private final String sourceBlob;
    private final String etag;
    private final BlockUploader uploader;

    private OutputStream rejectedOut;
    private JsonGenerator rejectedJson;

    public BlobChunkSink(
            BlobContainerClient chunks,
            BlobContainerClient rejected,
            String sourceBlob,
            String etag,
            long blockSize,
            int concurrency) {
        this.chunks = chunks;
        this.rejected = rejected;
        this.sourceBlob = sourceBlob;
        this.etag = ChunkNames.normalizeEtag(etag);
        this.uploader = new BlockUploader((int) blockSize, concurrency);
    }

    @Override
    public OutputStream openChunk(int index) {
        return open(
                chunks,
                ChunkNames.chunkBlob(sourceBlob, etag, index),
                Map.of(
                        "sourceblob",
                        sourceBlob.replace('/', '_'),
                        "sourceetag",
                        etag,
                        "chunkindex",
                        Integer.toString(index)));
    }

    @Override
    public void rejected(LineRejection rejection) throws IOException {
        if (rejectedJson == null) {
            rejectedOut = new BufferedOutputStream(
                    open(rejected, ChunkNames.rejectedBlob(sourceBlob, etag), Map.of("sourceetag", etag)), 64 * 1024);
            rejectedJson = JSON.createGenerator(rejectedOut);
            rejectedJson.setRootValueSeparator(null);
        }
        JsonGenerator g = rejectedJson;
        g.writeStartObject();
        g.writeStringField("sourceBlob", sourceBlob);
        g.writeStringField("sourceEtag", etag);
        g.writeNumberField("lineNumber", rejection.lineNumber());
        g.writeStringField("reason", rejection.reason());
        g.writeBooleanField("truncated", rejection.truncated());
        g.writeStringField("line", rejection.line());
        g.writeEndObject();
        g.flush();
        rejectedOut.write('\n');
    }

    private OutputStream open(BlobContainerClient container, String name, Map<String, String> metadata) {
        BlockBlobClient blob = container.getBlobClient(name).getBlockBlobClient();
        return uploader.open(blob, new BlobHttpHeaders().setContentType(NDJSON), metadata);
    }

    /** Closes the rejected-lines blob, if any line was rejected, and waits until every blob is committed. */
    public void finish() throws IOException {
        if (rejectedJson != null) {
            rejectedJson.flush();
            rejectedOut.close();
            rejectedJson = null;
        }
        uploader.awaitAll();
    }

    /** Stops the upload threads (after {@link #finish()}, or abandoning a failed split). */
    @Override
    public void close() {
        uploader.close();
    }
}
