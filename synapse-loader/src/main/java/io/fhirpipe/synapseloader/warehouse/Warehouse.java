package io.fhirpipe.synapseloader.warehouse;

import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.curated.CuratedSnapshots;
import io.fhirpipe.synapseloader.lines.Deletion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the loader needs of a warehouse dialect ({@code fhirpipe.loader.dialect}): the chunk
 * ledger, loading a screened chunk of resources and applying a chunk of deletions, each called with
 * {@link #lock()} held; curated snapshots and local queries are capabilities only some dialects
 * have ({@link #curated()}, {@link #queries()}).
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
    default Optional<LineLimit> lineLimit() {
        return Optional.empty();
    }

    /** Applies a chunk of a manifest's deleted[] file; returns how many deletions took effect (or unknown). */
    long applyDeletes(ChunkRef chunk, List<Deletion> deletions, long accepted, long rejected, Instant now);

    /**
     * Parquet snapshots of the typed tables, where the warehouse is not itself the curated store
     * (the embedded dialect); empty where it is (the T-SQL dialects).
     */
    default Optional<CuratedSnapshots> curated() {
        return Optional.empty();
    }

    /** Read-only queries on a warehouse held open by this process (the embedded dialect); empty otherwise. */
    default Optional<WarehouseQueries> queries() {
        return Optional.empty();
    }

    /**
     * Makes every committed load durable in the warehouse's own files, for shutdown; a no-op where
     * a commit already is (the T-SQL dialects).
     */
    default void checkpoint() {}

    /**
     * Proves the warehouse answers ({@code SELECT 1}) without {@link #lock()}: readiness must not
     * wait behind a long load. The loader's test stand-ins answer always.
     */
    default void ping() throws java.sql.SQLException {}

    @Override
    void close();

    /** {@link #loadResources} / {@link #applyDeletes} result when the dialect does not count changes. */
    long APPLIED_UNKNOWN = -1;
}
