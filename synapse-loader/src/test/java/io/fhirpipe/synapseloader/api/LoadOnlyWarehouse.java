package io.fhirpipe.synapseloader.api;

import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.lines.Deletion;
import io.fhirpipe.synapseloader.warehouse.LedgerEntry;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/** A warehouse without local queries, as the T-SQL dialects are; the endpoints must not load anything. */
final class LoadOnlyWarehouse implements Warehouse {

    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public Optional<LedgerEntry> ledger(String chunkId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long loadResources(ChunkRef chunk, Path ndjson, long accepted, long rejected, Instant now) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long applyDeletes(ChunkRef chunk, List<Deletion> deletions, long accepted, long rejected, Instant now) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
}
