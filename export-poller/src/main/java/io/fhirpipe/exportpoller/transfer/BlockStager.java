package io.fhirpipe.exportpoller.transfer;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stages the blocks of one block blob from a fixed pool of {@code concurrency + 1} buffers: the
 * caller fills one buffer while up to {@code concurrency} others upload, and waits for a free
 * buffer when all are in flight. Memory is therefore {@code (concurrency + 1) * blockSize}
 * whatever the size of the file. Nothing is visible in the blob until {@link #blockIds()} is
 * committed by the caller.
 *
 * <p>Block ids carry a random prefix per attempt, so two deliveries of the same file writing at
 * the same time never stage over each other's blocks.
 */
final class BlockStager implements AutoCloseable {

    private final BlockBlobClient blob;
    private final int blockSize;
    private final Executor executor;
    private final BlockingQueue<byte[]> free;
    private final String attempt = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> blockIds = new ArrayList<>();
    private final List<CompletableFuture<Void>> staged = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    BlockStager(BlockBlobClient blob, int blockSize, int concurrency, Executor executor) {
        this.blob = blob;
        this.blockSize = blockSize;
        this.executor = executor;
        this.free = new ArrayBlockingQueue<>(concurrency + 1);
        for (int i = 0; i <= concurrency; i++) {
            free.add(new byte[blockSize]);
        }
    }

    int blockSize() {
        return blockSize;
    }

    /** A buffer to fill; blocks while every buffer is uploading. */
    byte[] take() throws IOException {
        checkFailure();
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a block upload to finish");
        }
    }

    /** Hands the first {@code length} bytes of {@code buffer} (from {@link #take()}) over for upload. */
    void stage(byte[] buffer, int length) throws IOException {
        checkFailure();
        if (length == 0) {
            free.add(buffer);
            return;
        }
        String id = Base64.getEncoder()
                .encodeToString(
                        String.format("%s-%08d", attempt, blockIds.size()).getBytes(StandardCharsets.US_ASCII));
        blockIds.add(id);
        staged.add(CompletableFuture.runAsync(
                () -> {
                    try {
                        // The last block is usually short; every other one goes as the pooled array itself.
                        byte[] bytes = length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
                        blob.stageBlock(id, BinaryData.fromBytes(bytes));
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                        throw e;
                    } finally {
                        free.add(buffer);
                    }
                },
                executor));
    }

    /** Returns an unused buffer to the pool. */
    void release(byte[] buffer) {
        free.add(buffer);
    }

    /** Waits for every staged block and returns the ids in file order, ready to commit. */
    List<String> blockIds() throws IOException {
        try {
            CompletableFuture.allOf(staged.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StagingFailedException("staging a block failed: " + cause.getMessage(), cause);
        }
        return List.copyOf(blockIds);
    }

    private void checkFailure() throws IOException {
        Throwable t = failure.get();
        if (t != null) {
            throw new StagingFailedException("staging a block failed: " + t.getMessage(), t);
        }
    }

    /** Waits for blocks still in flight, so an abandoned attempt does not keep uploading. */
    @Override
    public void close() {
        for (CompletableFuture<Void> f : staged) {
            try {
                f.join();
            } catch (RuntimeException ignored) {
                // Already recorded in failure; the caller has its own exception to report.
            }
        }
    }

    /** Storage, not the FHIR server, failed: the attempt is not retried from the download side. */
    static final class StagingFailedException extends IOException {
        StagingFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
