package io.fhirpipe.ndjsonsplitter.split;

import com.azure.core.exception.AzureException;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.ndjson.JsonLineCheck;
import io.fhirpipe.model.storage.ChunkNames;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.ndjsonsplitter.chunking.ChunkSummary;
import io.fhirpipe.ndjsonsplitter.chunking.NdjsonChunker;
import io.fhirpipe.ndjsonsplitter.chunking.SplitResult;
import io.fhirpipe.ndjsonsplitter.io.ReadAheadInputStream;
import io.fhirpipe.ndjsonsplitter.output.BlobChunkSink;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.logging.LogValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Splits one generation (name + ETag) of a landing file: streams it once through the chunker,
 * uploads every chunk, and only then announces them — all {@code chunk.ready}, then one
 * {@code split.completed}. A crash before the announcements leaves chunks nobody was told about;
 * redelivery rewrites the same names with the same bytes and announces them with the same ids.
 */
public final class LandingFileSplitter {

    public static final String SOURCE = "/fhirpipe/ndjson-splitter";
    private static final Logger LOG = Logger.getLogger(LandingFileSplitter.class);
    /** Downloading runs ahead of chunking by at most 4 buffers of this size. */
    private static final int READ_AHEAD_BUFFER = 1024 * 1024;

    private final BlobServiceClient storage;
    private final SplitSettings settings;
    private final EventSink chunkReady;
    private final EventSink splitCompleted;
    private final Clock clock;

    public LandingFileSplitter(
            BlobServiceClient storage,
            SplitSettings settings,
            EventSink chunkReady,
            EventSink splitCompleted,
            Clock clock) {
        this.storage = storage;
        this.settings = settings;
        this.chunkReady = chunkReady;
        this.splitCompleted = splitCompleted;
        this.clock = clock;
    }

    /**
     * @param etag the generation the event announced; null to take the blob's current one
     */
    public SplitReport split(LandingBlob blob, String etag) {
        String name = blob.name();
        BlobClient source = storage.getBlobContainerClient(Containers.LANDING).getBlobClient(name);
        String generation;
        SplitResult result;
        try {
            generation = etag == null || etag.isBlank()
                    ? ChunkNames.normalizeEtag(source.getProperties().getETag())
                    : ChunkNames.normalizeEtag(etag);
            BlobInputStreamOptions options = new BlobInputStreamOptions()
                    .setBlockSize((int) Math.min(Integer.MAX_VALUE, settings.blockSize()))
                    .setRequestConditions(new BlobRequestConditions().setIfMatch("\"" + generation + "\""));
            try (InputStream in = new ReadAheadInputStream(source.openInputStream(options), READ_AHEAD_BUFFER, 4);
                    BlobChunkSink sink = new BlobChunkSink(
                            storage.getBlobContainerClient(Containers.CHUNKS),
                            storage.getBlobContainerClient(Containers.REJECTED),
                            name,
                            generation,
                            settings.blockSize(),
                            settings.concurrency())) {
                // Every line of a deleted-resources file is a Bundle of DELETE entries, whatever the file
                // is named after (Bundle in a manifest, the deleted type when read from _history).
                boolean deletions = blob.kind() == io.fhirpipe.model.events.FileKind.DELETED;
                JsonLineCheck lines = deletions
                        ? JsonLineCheck.deletedBundles()
                        : JsonLineCheck.resources(blob.resourceType(), "file");
                result = new NdjsonChunker(settings.limits()).split(in, blob.gzip(), lines, sink);
                sink.finish();
            }
        } catch (BlobStorageException e) {
            return storageFailure(source, name, etag, e);
        } catch (UncheckedIOException | IOException e) {
            BlobStorageException cause = storageCause(e);
            if (cause != null) {
                return storageFailure(source, name, etag, cause);
            }
            if (e instanceof java.util.zip.ZipException) {
                throw new PermanentFailure(
                        "CorruptGzip", "landing/" + name + " is not valid gzip: " + e.getMessage(), e);
            }
            throw new TransientFailure("reading or writing " + name + " failed: " + e.getMessage(), null, e);
        } catch (AzureException e) {
            throw new TransientFailure("storage failed while splitting " + name + ": " + e.getMessage(), null, e);
        }
        return announce(blob, generation, result);
    }

    private SplitReport announce(LandingBlob blob, String generation, SplitResult result) {
        Instant now = clock.instant();
        List<ChunkReady> ready = new ArrayList<>();
        List<CompletionStage<Void>> sent = new ArrayList<>();
        for (ChunkSummary chunk : result.chunks()) {
            ChunkReady data = new ChunkReady(
                    blob.exportId(),
                    blob.resourceType(),
                    blob.name(),
                    generation,
                    ChunkNames.chunkBlob(blob.name(), generation, chunk.index()),
                    chunk.index(),
                    chunk.lineCount(),
                    chunk.bytes(),
                    chunk.sha256());
            ready.add(data);
            sent.add(chunkReady.publish(CloudEvent.of(MessageType.CHUNK_READY, SOURCE, data, now)));
        }
        // all sent first, then waited for: the broker takes them in parallel
        for (CompletionStage<Void> publication : sent) {
            chunkReady.await(publication, "chunk.ready");
        }
        SplitCompleted completed = new SplitCompleted(
                blob.exportId(),
                blob.resourceType(),
                blob.name(),
                generation,
                result.chunks().size(),
                result.lineCount(),
                result.rejectedLines());
        splitCompleted.await(
                splitCompleted.publish(CloudEvent.of(MessageType.SPLIT_COMPLETED, SOURCE, completed, now)),
                "split.completed");
        LOG.infof(
                "split landing/%s (ETag %s): %d chunks, %d lines, %d rejected, %d blank",
                blob.name(),
                LogValues.quoted(generation),
                result.chunks().size(),
                result.lineCount(),
                result.rejectedLines(),
                result.blankLines());
        return new SplitReport(false, ready, completed);
    }

    private SplitReport storageFailure(BlobClient source, String name, String etag, BlobStorageException e) {
        if (e.getErrorCode() == BlobErrorCode.CONDITION_NOT_MET || e.getStatusCode() == 412) {
            if (!exists(source)) {
                throw new PermanentFailure("SourceBlobNotFound", "landing/" + name + " does not exist (any more)", e);
            }
            LOG.infof(
                    "landing/%s no longer has ETag %s: superseded by a newer write, whose own event will split it",
                    name, LogValues.quoted(etag));
            return SplitReport.supersededFile();
        }
        if (e.getErrorCode() == BlobErrorCode.BLOB_NOT_FOUND || e.getStatusCode() == 404) {
            if (exists(source)) {
                // the 404 is about where the chunks go (a container missing), not the file's fault
                throw new TransientFailure(
                        "writing the chunks of landing/" + name + " failed: " + e.getErrorCode() + " (HTTP "
                                + e.getStatusCode() + ")",
                        null,
                        e);
            }
            throw new PermanentFailure("SourceBlobNotFound", "landing/" + name + " does not exist", e);
        }
        if (e.getStatusCode() == 403 || e.getStatusCode() == 401) {
            throw new TransientFailure("not allowed to read landing/" + name + " (" + e.getStatusCode() + ")", null, e);
        }
        throw new TransientFailure("storage answered " + e.getStatusCode() + " for landing/" + name, null, e);
    }

    private static boolean exists(BlobClient source) {
        try {
            return source.exists();
        } catch (AzureException e) {
            throw new TransientFailure(
                    "cannot check whether " + source.getBlobName() + " exists: " + e.getMessage(), null, e);
        }
    }

    private static BlobStorageException storageCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BlobStorageException b) {
                return b;
            }
        }
        return null;
    }
}
