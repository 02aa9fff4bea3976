package io.fhirpipe.synapseloader.load;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.TransientRetries;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.tracing.Tracing;
import io.fhirpipe.synapseloader.chunk.ChunkBlobPolicy;
import io.fhirpipe.synapseloader.chunk.ChunkFailure;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.chunk.ChunkSource;
import io.fhirpipe.synapseloader.curated.CuratedSink;
import io.fhirpipe.synapseloader.lines.DeletedBundleReader;
import io.fhirpipe.synapseloader.lines.DeletedScreenResult;
import io.fhirpipe.synapseloader.lines.Deletion;
import io.fhirpipe.synapseloader.lines.ResourceLineScreen;
import io.fhirpipe.synapseloader.lines.ScreenResult;
import io.fhirpipe.synapseloader.rejects.OversizedLines;
import io.fhirpipe.synapseloader.warehouse.LedgerEntry;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Loads one chunk, exactly once in effect: policy check, ledger check, fetch, screen (bad lines to
 * the reject sink), one warehouse transaction with the ledger row, then the curated snapshot.
 * Download and screening run outside the warehouse lock, so one chunk can be fetched while
 * another is being loaded. The warehouse is the configured dialect ({@link Warehouse}); the
 * T-SQL dialects read the chunk's blob themselves, and the local copy still serves the checksum
 * check and the rejected/ lines. A transient warehouse failure (throttling, a lost connection, a
 * lock) is retried in process with backoff ({@link TransientRetries}), the ledger checked again
 * before each attempt, before the message is handed back to the broker.
 */
public final class ChunkLoader {

    public static final String RESOURCE_TYPE_NOT_SERVED = "ResourceTypeNotServed";
    private static final Logger LOG = Logger.getLogger(ChunkLoader.class);

    private final Warehouse warehouse;
    private final ChunkSource source;
    private final RejectSink rejects;
    private final Optional<CuratedSink> curated;
    private final Duration curatedInterval;
    private final Optional<Set<String>> onlyTypes;
    private final Path workDirectory;
    private final Clock clock;
    private final TransientRetries retries;
    private final ChunkBlobPolicy policy = new ChunkBlobPolicy();
    private final ResourceLineScreen screen = new ResourceLineScreen();
    private final DeletedBundleReader deleted = new DeletedBundleReader();

    public ChunkLoader(
            Warehouse warehouse,
            ChunkSource source,
            RejectSink rejects,
            Optional<CuratedSink> curated,
            Optional<Set<String>> onlyTypes,
            Path workDirectory,
            Clock clock) {
        this(warehouse, source, rejects, curated, Duration.ZERO, onlyTypes, workDirectory, clock);
    }

    /** @param curatedInterval the least time between two curated snapshots (0: after every commit) */
    public ChunkLoader(
            Warehouse warehouse,
            ChunkSource source,
            RejectSink rejects,
            Optional<CuratedSink> curated,
            Duration curatedInterval,
            Optional<Set<String>> onlyTypes,
            Path workDirectory,
            Clock clock) {
        this(
                warehouse,
                source,
                rejects,
                curated,
                curatedInterval,
                onlyTypes,
                workDirectory,
                clock,
                TransientRetries.none());
    }

    /** @param retries how often, and after what waits, a transient warehouse failure is tried again */
    public ChunkLoader(
            Warehouse warehouse,
            ChunkSource source,
            RejectSink rejects,
            Optional<CuratedSink> curated,
            Duration curatedInterval,
            Optional<Set<String>> onlyTypes,
            Path workDirectory,
            Clock clock,
            TransientRetries retries) {
        this.retries = retries;
        this.curatedInterval = curatedInterval;
        this.warehouse = warehouse;
        this.source = source;
        this.rejects = rejects;
        this.curated = curated;
        this.onlyTypes = onlyTypes;
        this.workDirectory = workDirectory;
        this.clock = clock;
    }

    public LoadReport load(ChunkReady event) {
        ChunkRef chunk = policy.check(event);
        if (onlyTypes.isPresent() && !onlyTypes.get().contains(chunk.resourceType())) {
            throw new PermanentFailure(
                    RESOURCE_TYPE_NOT_SERVED,
                    "this loader serves " + onlyTypes.get() + ", not " + chunk.resourceType()
                            + "; route chunks with a subscription filter on resourceType");
        }
        // A redelivery is recognised before the download, but only when the warehouse is free: waiting
        // for another chunk's load here would keep this one from being fetched and screened meanwhile.
        // The check that counts is the one under the lock, right before loading.
        Optional<LoadReport> done = lockedIfFree(() -> alreadyLoaded(chunk));
        if (done.isPresent()) {
            return done.get();
        }
        ChunkSource.LocalChunk local =
                Tracing.inSpan("download chunk", SpanKind.CLIENT, span -> source.fetch(chunk, workDirectory));
        Path extra = null;
        try {
            // DuckDB keeps microseconds: the ledger must give back exactly the reported time
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            if (chunk.kind() == FileKind.DELETED) {
                DeletedScreenResult read = deleted.read(local.file(), chunk.resourceType(), now);
                verify(chunk, read.sha256());
                rejects.write(chunk, read.rejections());
                return lockedWithRetries(
                        chunk,
                        () -> alreadyLoaded(chunk).orElseGet(() -> {
                            long applied = Tracing.inSpan(
                                    "sql apply deletes " + chunk.resourceType(),
                                    SpanKind.CLIENT,
                                    span -> applyDeletes(chunk, read, now));
                            publishCurated();
                            return new LoadReport(
                                    chunk.chunkId(),
                                    read.accepted(),
                                    read.rejections().size(),
                                    applied,
                                    now,
                                    false);
                        }));
            }
            // a line too long for the warehouse's bulk load would fail the whole chunk: rejected/ instead
            ScreenResult screened = OversizedLines.divert(
                    local.file(),
                    screen.screen(local.file(), chunk.resourceType(), workDirectory),
                    warehouse.lineLimit(),
                    workDirectory);
            if (!screened.loadable().equals(local.file())) {
                extra = screened.loadable();
            }
            verify(chunk, screened.sha256());
            rejects.write(chunk, screened.rejections());
            return lockedWithRetries(
                    chunk,
                    () -> alreadyLoaded(chunk).orElseGet(() -> {
                        if (!screened.softDeleted().isEmpty()) {
                            // first, so that the tombstone also hides the soft-deleted version the rows hold
                            ChunkRef marks = chunk.softDeletedPart();
                            if (warehouse.ledger(marks.chunkId()).isEmpty()) {
                                warehouse.applyDeletes(
                                        marks,
                                        screened.softDeleted(),
                                        screened.softDeleted().size(),
                                        0,
                                        now);
                            }
                        }
                        long applied = Tracing.inSpan(
                                "sql load " + chunk.resourceType(),
                                SpanKind.CLIENT,
                                span -> warehouse.loadResources(
                                        chunk,
                                        screened.loadable(),
                                        screened.accepted(),
                                        screened.rejections().size(),
                                        now));
                        publishCurated();
                        LOG.debugf(
                                "loaded %s: %d accepted, %d applied, %d rejected",
                                chunk.chunkBlob(),
                                screened.accepted(),
                                applied,
                                screened.rejections().size());
                        return new LoadReport(
                                chunk.chunkId(),
                                screened.accepted(),
                                screened.rejections().size(),
                                applied,
                                now,
                                false);
                    }));
        } catch (IOException e) {
            throw new UncheckedIOException("reading chunk " + chunk.chunkBlob() + " locally failed", e);
        } finally {
            if (local.temporary()) {
                delete(local.file());
            }
            if (extra != null) {
                delete(extra);
            }
        }
    }

    /**
     * A file of one type is one application; a manifest's Bundle file is one per type it deletes, each
     * under its own ledger row and the last under the chunk's, so a redelivery after some of them
     * applies only the rest.
     */
    private long applyDeletes(ChunkRef chunk, DeletedScreenResult read, Instant now) {
        long rejected = read.rejections().size();
        if (!DeletedBundleReader.ANY_TYPE.equals(chunk.resourceType())) {
            return warehouse.applyDeletes(
                    chunk, read.byType().getOrDefault(chunk.resourceType(), List.of()), read.accepted(), rejected, now);
        }
        if (read.byType().isEmpty()) {
            // only rejected lines: the ledger row still records the chunk as done
            return warehouse.applyDeletes(chunk, List.of(), read.accepted(), rejected, now);
        }
        List<String> types = List.copyOf(read.byType().keySet());
        long applied = 0;
        for (int i = 0; i < types.size(); i++) {
            boolean last = i == types.size() - 1;
            ChunkRef part = chunk.deletionsOf(types.get(i), last);
            if (!last && warehouse.ledger(part.chunkId()).isPresent()) {
                continue;
            }
            List<Deletion> deletions = read.byType().get(types.get(i));
            long n = warehouse.applyDeletes(
                    part, deletions, last ? read.accepted() : deletions.size(), last ? rejected : 0, now);
            applied = n == Warehouse.APPLIED_UNKNOWN || applied == Warehouse.APPLIED_UNKNOWN
                    ? Warehouse.APPLIED_UNKNOWN
                    : applied + n;
        }
        return applied;
    }

    /** On a redelivery the tables are left alone; only a snapshot that failed after commit is redone. */
    private Optional<LoadReport> alreadyLoaded(ChunkRef chunk) {
        Optional<LedgerEntry> entry = warehouse.ledger(chunk.chunkId());
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        publishCurated();
        LedgerEntry e = entry.get();
        LOG.infof("chunk %s is already loaded (ledger), not applying it again", chunk.chunkBlob());
        return Optional.of(new LoadReport(chunk.chunkId(), e.rowsLoaded(), e.rowsRejected(), 0, e.loadedAt(), true));
    }

    /**
     * The snapshot is derived from rows already committed: when it cannot be written (storage down,
     * DuckDB out of memory under a small memory_limit) the chunk stays loaded and the type's
     * {@code curated_pending} marker stays set, so the next load, the flush timer or the shutdown
     * writes it. Failing the chunk instead would fail every redelivery the same way until it
     * dead-lettered, with its rows loaded.
     */
    private void publishCurated() {
        curated.ifPresent(sink -> warehouse.curated().ifPresent(snapshots -> {
            try {
                snapshots.publishIfDue(sink, curatedInterval);
            } catch (RuntimeException e) {
                LOG.warnf(
                        "curated snapshot not written, kept pending for the next load or flush: %s",
                        LogValues.escaped(e.getMessage()));
            }
        }));
    }

    private static void verify(ChunkRef chunk, String sha256) {
        if (!chunk.event().sha256().equals(sha256)) {
            throw new ChunkFailure(
                    ChunkFailure.CHECKSUM_MISMATCH,
                    "chunk " + chunk.chunkBlob() + " has SHA-256 " + sha256 + ", the event announced "
                            + chunk.event().sha256());
        }
    }

    /** The lock is let go between attempts, so other chunks load while this one waits. */
    private <T> T lockedWithRetries(ChunkRef chunk, Supplier<T> work) {
        return retries.call("loading " + chunk.chunkBlob(), () -> locked(work));
    }

    private Optional<LoadReport> lockedIfFree(Supplier<Optional<LoadReport>> work) {
        if (!warehouse.lock().tryLock()) {
            return Optional.empty();
        }
        try {
            return work.get();
        } finally {
            warehouse.lock().unlock();
        }
    }

    private <T> T locked(Supplier<T> work) {
        warehouse.lock().lock();
        try {
            return work.get();
        } finally {
            warehouse.lock().unlock();
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
