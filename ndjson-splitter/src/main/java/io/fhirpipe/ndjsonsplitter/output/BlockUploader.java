package io.fhirpipe.ndjsonsplitter.output;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Uploads block blobs from output streams with bounded memory and real back-pressure: a stream
 * stages a block when its buffer is full, at most {@code concurrency} blocks are in flight across
 * all streams of this uploader (a writer blocks until one finishes), and closing a stream only
 * schedules its commit, so the caller can go on producing the next blob while the last blocks of
 * this one upload. {@link #awaitAll()} waits for every commit. (The SDK's BlobOutputStream buffers
 * without bound when the writer is faster than the uploads, so it is not used.)
 */
public final class BlockUploader implements AutoCloseable {

    private final int blockSize;
    private final Semaphore inFlight;
    private final ExecutorService executor;
    private final List<CompletableFuture<BlockBlobItem>> commits = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public BlockUploader(int blockSize, int concurrency) {
        this.blockSize = blockSize;
        this.inFlight = new Semaphore(concurrency);
        this.executor = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "chunk-upload");
            t.setDaemon(true);
            return t;
        });
    }

    public OutputStream open(BlockBlobClient blob, BlobHttpHeaders headers, Map<String, String> metadata) {
        return new BlockStream(blob, headers, metadata);
    }

    /** Waits until every closed stream is committed; throws the first failure. */
    public void awaitAll() throws IOException {
        try {
            CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("uploading a chunk failed: " + cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private void checkFailure() throws IOException {
        Throwable t = failure.get();
        if (t != null) {
            throw new IOException("uploading a chunk failed: " + t.getMessage(), t);
        }
    }

    private final class BlockStream extends OutputStream {
        private final BlockBlobClient blob;
        private final BlobHttpHeaders headers;
        private final Map<String, String> metadata;
        private final List<String> blockIds = new ArrayList<>();
        private final List<CompletableFuture<Void>> staged = new ArrayList<>();
        private byte[] buffer;
        private int length;
        private boolean closed;

        BlockStream(BlockBlobClient blob, BlobHttpHeaders headers, Map<String, String> metadata) {
            this.blob = blob;
            this.headers = headers;
            this.metadata = metadata;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int count) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            while (count > 0) {
                if (buffer == null) {
                    buffer = new byte[blockSize];
                    length = 0;
                }
                int n = Math.min(count, blockSize - length);
                System.arraycopy(data, offset, buffer, length, n);
                length += n;
                offset += n;
                count -= n;
                if (length == blockSize) {
                    stage();
                }
            }
        }

        private void stage() throws IOException {
            checkFailure();
            byte[] block = buffer;
            int size = length;
            buffer = null;
            length = 0;
            String id = Base64.getEncoder()
                    .encodeToString(String.format("block-%08d", blockIds.size()).getBytes(StandardCharsets.US_ASCII));
            blockIds.add(id);
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for an upload slot");
            }
            staged.add(CompletableFuture.runAsync(
                    () -> {
                        try {
                            blob.stageBlock(
                                    id,
                                    BinaryData.fromBytes(
                                            size == block.length ? block : java.util.Arrays.copyOf(block, size)));
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                            throw e;
                        } finally {
                            inFlight.release();
                        }
                    },
                    executor));
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (length > 0) {
                stage();
            }
            List<String> ids = List.copyOf(blockIds);
            commits.add(CompletableFuture.allOf(staged.toArray(CompletableFuture[]::new))
                    .thenApplyAsync(
                            ignored -> blob.commitBlockListWithResponse(
                                            new BlockBlobCommitBlockListOptions(ids)
                                                    .setHeaders(headers)
                                                    .setMetadata(metadata),
                                            null,
                                            null)
                                    .getValue(),
                            executor));
        }
    }
}
