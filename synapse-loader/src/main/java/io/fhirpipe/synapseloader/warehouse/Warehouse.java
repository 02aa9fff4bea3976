package io.fhirpipe.synapseloader.warehouse;

import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.curated.CuratedSink;
import io.fhirpipe.synapseloader.duckdb.LedgerEntry;
import io.fhirpipe.synapseloader.lines.Deletion;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the loader needs of a warehouse dialect ({@code fhirpipe.loader.dialect}): the chunk
 * ledger, loading a screened chunk of resources, applying a chunk of deletions, and the curated
 * snapshot, each called with {@link #lock()} held.
 *
 * <p>Failures: a {@link io.fhirpipe.runtime.failure.TransientFailure} (or any other runtime
 * exception) hands the message back to the broker, which redelivers it and dead-letters it after
 * the subscription's max delivery count; a {@link io.fhirpipe.runtime.failure.PermanentFailure}
 * dead-letters it at once.
 */
public interface Warehouse extends AutoCloseable {

    /** Held by the loader from the ledger check to the curated upload. */
    ReentrantLock lock();

    /** The ledger row of a chunk loaded before; empty when it was not (or the dialect keeps none). */
    Optional<LedgerEntry> ledger(String chunkId);

    /**
     * Loads a chunk of resources, with its ledger row where the dialect keeps one.
     *
     * @param chunk the chunk; dialects that read storage themselves (COPY INTO, OPENROWSET) load
     *              the chunk's blob, named by {@link ChunkRef#chunkBlob()} in the chunks container
     * @param ndjson the screened local copy (only the accepted lines); read by the embedded
     *               dialect, ignored by those that read the blob
     * @param accepted lines the local screen accepted
     * @param rejected lines the local screen rejected (already written to rejected/)
     * @return how many resources changed the tables, or {@link #APPLIED_UNKNOWN} when the dialect
     *         cannot tell
     */
    long loadResources(ChunkRef chunk, Path ndjson, long accepted, long rejected, Instant now);

    /**
     * The longest line {@link #loadResources} can take; longer lines are diverted to rejected/ before it
     * is called. Empty: no limit (DuckDB reads lines of any size).
     */
    default java.util.Optional<LineLimit> lineLimit() {
        return java.util.Optional.empty();
    }

    /** Applies a chunk of a manifest's deleted[] file; returns how many deletions took effect (or unknown). */
    long applyDeletes(ChunkRef chunk, List<Deletion> deletions, long accepted, long rejected, Instant now);

    /** Publishes what changed to the curated sink; a no-op where the warehouse is the curated store. */
    void publishCurated(CuratedSink sink);

    /**
     * Publishes to the curated sink when at least {@code minInterval} has passed since the last
     * snapshot, else leaves it pending; the caller holds {@link #lock()}. Dialects without
     * debouncing publish every time.
     *
     * @return whether anything was published
     */
    default boolean publishCuratedIfDue(CuratedSink sink, java.time.Duration minInterval) {
        publishCurated(sink);
        return true;
    }

    /** Publishes whatever is pending now (the curated timer, shutdown); takes the lock itself. */
    default void flushCurated(CuratedSink sink) {
        lock().lock();
        try {
            publishCurated(sink);
        } finally {
            lock().unlock();
        }
    }

    /**
     * Proves the warehouse answers ({@code SELECT 1}) without {@link #lock()}: readiness must not
     * wait behind a long load. The loader's test stand-ins answer always.
     */
    default void ping() throws java.sql.SQLException {
    }

    @Override
    void close();

    /** {@link #loadResources} / {@link #applyDeletes} result when the dialect does not count changes. */
    long APPLIED_UNKNOWN = -1;
}
