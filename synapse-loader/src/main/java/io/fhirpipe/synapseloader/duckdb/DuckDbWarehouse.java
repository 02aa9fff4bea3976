package io.fhirpipe.synapseloader.duckdb;

import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.curated.CuratedSnapshots;
import io.fhirpipe.synapseloader.lines.Deletion;
import io.fhirpipe.synapseloader.views.LoaderViews;
import io.fhirpipe.synapseloader.warehouse.LedgerEntry;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import io.fhirpipe.synapseloader.warehouse.WarehouseQueries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.jboss.logging.Logger;

/**
 * The DuckDB warehouse: one database file, one connection, one chunk at a time (DuckDB's
 * concurrent writers would only conflict on the same tables; serial bulk SQL already uses every
 * core).
 *
 * <p>Tables:
 * <ul>
 *   <li>{@code raw."{Type}"} (id, version_id, last_updated, export_id, chunk, resource): the latest
 *       version of each resource, nothing older;</li>
 *   <li>{@code main."{view}"}: the ViewDefinition's rows for the resources in the raw table, with
 *       {@code _resource_key} first: a table maintained in each load transaction, or, with
 *       {@link TypedStorage#VIEWS}, a DuckDB view over the raw table (exact because the raw table
 *       holds only the latest version of each id and nothing deleted);</li>
 *   <li>{@code fhirpipe_state.chunk_ledger}: one row per loaded chunk, written in the same transaction as
 *       its rows, so a redelivered chunk is recognised and not applied twice;</li>
 *   <li>{@code fhirpipe_state.deleted_resources}: tombstones (type, id, deleted_at). A deletion removes
 *       the resource from raw and typed tables and keeps a tombstone, so a version that arrives
 *       later but was last updated at or before the deletion stays deleted, while a version
 *       updated after it (the id re-created) wins and clears the tombstone;</li>
 *   <li>{@code fhirpipe_state.curated_pending}: types whose Parquet snapshot is behind the tables, set
 *       in the load transaction and cleared once the snapshot is uploaded, so an upload that fails
 *       after commit is redone by the next delivery, load or flush. It also lets snapshots be
 *       debounced ({@link DuckDbSnapshots}): a snapshot rewrites whole tables, too much
 *       work after every chunk once the tables are large.</li>
 * </ul>
 *
 * <p>Its parts share the one connection: {@link DuckDbSchema} (settings, tables, views),
 * {@link DuckDbLoads} (chunks, deletions, ledger) and {@link DuckDbSnapshots} (curated Parquet).
 */
public final class DuckDbWarehouse implements Warehouse, WarehouseQueries {

    private static final Logger LOG = Logger.getLogger(DuckDbWarehouse.class);

    /** With typed tables, the chunk's winning rows during a load; every view is compiled against it too. */
    public static final String CHUNK_TABLE = "temp._chunk_rows";

    private final DuckDBConnection connection;
    private final Path databaseFile;
    private final TypedStorage typed;
    private final ReentrantLock lock = new ReentrantLock();
    private final DuckDbSchema schema;
    private final DuckDbLoads loads;
    private final DuckDbSnapshots snapshots;

    private DuckDbWarehouse(
            DuckDBConnection connection, Path databaseFile, LoaderViews views, Path workDirectory, TypedStorage typed) {
        this.connection = connection;
        this.databaseFile = databaseFile;
        this.typed = typed;
        this.schema = new DuckDbSchema(connection, views, typed);
        this.loads = new DuckDbLoads(connection, schema, views, typed);
        this.snapshots = new DuckDbSnapshots(connection, lock, views, workDirectory);
    }

    /** How the typed rows are kept: tables maintained per load, or views over the raw tables. */
    public TypedStorage typed() {
        return typed;
    }

    /** The raw table of a type, schema-qualified, for {@link LoaderViews#compile}. */
    public static String rawTable(String resourceType) {
        return "raw." + resourceType;
    }

    /** Typed tables (the default) and DuckDB's default checkpoint threshold. */
    public static DuckDbWarehouse open(
            Path databaseFile,
            LoaderViews views,
            Path workDirectory,
            Optional<String> memoryLimit,
            Optional<Integer> threads) {
        return open(databaseFile, views, workDirectory, memoryLimit, threads, TypedStorage.TABLES, Optional.empty());
    }

    /**
     * @param typed               typed tables maintained per load, or views over the raw tables
     * @param checkpointThreshold DuckDB's checkpoint_threshold (e.g. 256MB): how much WAL a commit may
     *                            leave before it checkpoints; DuckDB's default (16MB) when empty
     */
    public static DuckDbWarehouse open(
            Path databaseFile,
            LoaderViews views,
            Path workDirectory,
            Optional<String> memoryLimit,
            Optional<Integer> threads,
            TypedStorage typed,
            Optional<String> checkpointThreshold) {
        try {
            Path parent = databaseFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectories(workDirectory);
            DuckDbSchema.requireUnambiguousCatalog(databaseFile);
            // The driver itself rather than DriverManager, whose registry is per class loader.
            DuckDBConnection c = (DuckDBConnection) new DuckDBDriver()
                    .connect(
                            "jdbc:duckdb:" + databaseFile.toAbsolutePath(),
                            DuckDbSchema.settings(workDirectory, memoryLimit, threads, checkpointThreshold));
            DuckDbWarehouse warehouse =
                    new DuckDbWarehouse(c, databaseFile.toAbsolutePath(), views, workDirectory, typed);
            try {
                warehouse.schema.init();
            } catch (SQLException | RuntimeException e) {
                warehouse.close();
                throw e;
            }
            return warehouse;
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot open DuckDB database " + databaseFile + ": " + e.getMessage(), e);
        }
    }

    /** On a connection of its own to the same database: the loader's may be in a load transaction. */
    @Override
    public void ping() throws SQLException {
        try (Connection own = connection.duplicate();
                Statement s = own.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    /** The warehouse lock: a loader holds it from the ledger check to the curated upload. */
    @Override
    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public Optional<LedgerEntry> ledger(String chunkId) {
        requireLocked();
        return loads.ledger(chunkId);
    }

    @Override
    public long loadResources(ChunkRef chunk, Path ndjson, long accepted, long rejected, Instant now) {
        requireLocked();
        return loads.loadResources(chunk, ndjson, accepted, rejected, now);
    }

    @Override
    public long applyDeletes(ChunkRef chunk, List<Deletion> deletions, long accepted, long rejected, Instant now) {
        requireLocked();
        return loads.applyDeletes(chunk, deletions, accepted, rejected, now);
    }

    @Override
    public Optional<CuratedSnapshots> curated() {
        return Optional.of(snapshots);
    }

    /** The curated snapshots, with the package's own knobs for tests. */
    DuckDbSnapshots snapshots() {
        return snapshots;
    }

    @Override
    public Optional<WarehouseQueries> queries() {
        return Optional.of(this);
    }

    /** A read-only query for the /warehouse endpoints, tests and the benchmark; waits for a load in progress. */
    @Override
    public <T> T query(SqlFunction<Connection, T> work) {
        lock.lock();
        try {
            return work.apply(connection);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void requireLocked() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("the warehouse lock must be held");
        }
    }

    /**
     * Writes the WAL into the database file, so that the file alone holds every committed row: with
     * a large checkpoint_threshold the loads of a whole run can sit in the WAL, and a copy of the
     * file, or a process killed before DuckDB's own checkpoint at close, would lose them. Waits for
     * a load in progress. A failure is logged, not thrown: the WAL stays and DuckDB replays it at
     * the next start.
     */
    @Override
    public void checkpoint() {
        lock.lock();
        try {
            Path wal = Path.of(databaseFile + ".wal");
            long walBytes = Files.exists(wal) ? Files.size(wal) : 0;
            long start = System.nanoTime();
            try (Statement s = connection.createStatement()) {
                // no other connection, and the lock excludes our own loads: plain CHECKPOINT need not abort anything
                s.execute("CHECKPOINT");
            }
            LOG.infof(
                    "DuckDB checkpoint of %s (%d KiB of WAL) took %d ms",
                    databaseFile, walBytes / 1024, (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException | IOException e) {
            LOG.warnf(
                    "DuckDB checkpoint of %s failed; its WAL is replayed at the next start: %s",
                    databaseFile, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checkpoints, then closes. Under the lock, so a load in progress commits (and is checkpointed)
     * rather than being interrupted by the driver's close.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (connection.isClosed()) {
                return;
            }
            checkpoint();
            connection.close();
        } catch (SQLException e) {
            LOG.warnf("closing DuckDB: %s", e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
