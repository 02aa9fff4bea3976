package io.fhirpipe.synapseloader.duckdb;

import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.curated.CuratedSink;
import io.fhirpipe.synapseloader.lines.Deletion;
import io.fhirpipe.synapseloader.views.LoaderViews;
import io.fhirpipe.synapseloader.views.TypedView;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

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
 *       debounced ({@link #publishCuratedIfDue}, {@link #flushCurated}): a snapshot rewrites whole
 *       tables, too much work after every chunk once the tables are large.</li>
 * </ul>
 */
public final class DuckDbWarehouse implements AutoCloseable, io.fhirpipe.synapseloader.warehouse.Warehouse {

    private static final Logger LOG = Logger.getLogger(DuckDbWarehouse.class);

    /** With typed tables, the chunk's winning rows during a load; every view is compiled against it too. */
    public static final String CHUNK_TABLE = "temp._chunk_rows";
    private static final String DELETES_TABLE = "temp._chunk_deletes";
    private static final DuckDbDialect SQL = new DuckDbDialect();

    private final DuckDBConnection connection;
    private final Path databaseFile;
    private final LoaderViews views;
    private final Path workDirectory;
    private final TypedStorage typed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<String> preparedTypes = new HashSet<>();
    /**
     * System.nanoTime() of the last complete {@link #publishCurated}; starts at opening, so the first
     * debounced snapshot waits an interval too (a marker left by an earlier run is the timer's).
     */
    /** How long chunk loads must have stopped before a snapshot may be written in passes. */
    static final java.time.Duration IDLE_BEFORE_PASSES = java.time.Duration.ofSeconds(15);
    private long lastCuratedNanos = System.nanoTime();
    /** When the last chunk load asked for its snapshot: passes wait until loads have stopped. */
    private volatile long lastLoadNanos = System.nanoTime();
    /** Set by the flush timer while loads have stopped; guarded by the warehouse lock. */
    private boolean snapshotsInPasses;

    /** Cumulative time per load step, for the benchmark's breakdown. */
    private final java.util.Map<String, Long> stepNanos = new java.util.LinkedHashMap<>();
    private long stepStart = System.nanoTime();

    private void step(String name) {
        long now = System.nanoTime();
        stepNanos.merge(name, now - stepStart, Long::sum);
        stepStart = now;
    }

    /** Time spent so far in each step of {@link #loadResources} and {@link #publishCurated}, in nanoseconds. */
    public java.util.Map<String, Long> stepNanos() {
        return new java.util.LinkedHashMap<>(stepNanos);
    }

    private DuckDbWarehouse(DuckDBConnection connection, Path databaseFile, LoaderViews views, Path workDirectory,
            TypedStorage typed) {
        this.connection = connection;
        this.databaseFile = databaseFile;
        this.views = views;
        this.workDirectory = workDirectory;
        this.typed = typed;
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
    public static DuckDbWarehouse open(Path databaseFile, LoaderViews views, Path workDirectory,
            Optional<String> memoryLimit, Optional<Integer> threads) {
        return open(databaseFile, views, workDirectory, memoryLimit, threads, TypedStorage.TABLES, Optional.empty());
    }

    /**
     * @param typed               typed tables maintained per load, or views over the raw tables
     * @param checkpointThreshold DuckDB's checkpoint_threshold (e.g. 256MB): how much WAL a commit may
     *                            leave before it checkpoints; DuckDB's default (16MB) when empty
     */
    public static DuckDbWarehouse open(Path databaseFile, LoaderViews views, Path workDirectory,
            Optional<String> memoryLimit, Optional<Integer> threads, TypedStorage typed,
            Optional<String> checkpointThreshold) {
        try {
            Path parent = databaseFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectories(workDirectory);
            requireUnambiguousCatalog(databaseFile);
            // The driver itself rather than DriverManager, whose registry is per class loader.
            DuckDBConnection c = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:"
                    + databaseFile.toAbsolutePath(), settings(workDirectory, memoryLimit, threads, checkpointThreshold));
            DuckDbWarehouse warehouse = new DuckDbWarehouse(c, databaseFile.toAbsolutePath(), views, workDirectory,
                    typed);
            try {
                warehouse.init();
            } catch (SQLException | RuntimeException e) {
                warehouse.close();
                throw e;
            }
            return warehouse;
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot open DuckDB database " + databaseFile + ": " + e.getMessage(), e);
        }
    }

    /** Schemas the loader creates; DuckDB names the catalog after the file, and equal names are ambiguous. */
    static final java.util.Set<String> SCHEMAS = java.util.Set.of("raw", "fhirpipe_state", "main", "temp", "system");

    static void requireUnambiguousCatalog(Path databaseFile) {
        String name = databaseFile.getFileName().toString();
        int dot = name.indexOf('.');
        String catalog = (dot < 0 ? name : name.substring(0, dot)).toLowerCase(java.util.Locale.ROOT);
        if (SCHEMAS.contains(catalog)) {
            throw new IllegalArgumentException("DuckDB names the database after its file, and '" + name
                    + "' would make it '" + catalog + "', the name of a schema the loader uses " + SCHEMAS
                    + "; choose another fhirpipe.loader.duckdb.path file name");
        }
    }

    /**
     * DuckDB's settings, given when the database opens rather than SET afterwards: opening replays
     * the WAL (up to checkpoint_threshold of it, 256MiB by default here), and that replay, under
     * DuckDB's default memory_limit of 80% of the machine, took 450 MB by itself.
     */
    static Properties settings(Path workDirectory, Optional<String> memoryLimit, Optional<Integer> threads,
            Optional<String> checkpointThreshold) {
        Properties p = new Properties();
        memoryLimit.ifPresent(limit -> p.setProperty("memory_limit", limit));
        threads.ifPresent(n -> p.setProperty("threads", Integer.toString(n)));
        // Every load commits; past the threshold a commit also checkpoints (rewrites the changed
        // blocks into the file), the largest part of commit time with the default 16MB.
        checkpointThreshold.ifPresent(threshold -> p.setProperty("checkpoint_threshold", threshold));
        // Inserts and COPY need not keep the order of what they read (no loader query relies on it),
        // which lets DuckDB stream them instead of buffering to restore the order.
        p.setProperty("preserve_insertion_order", "false");
        // What exceeds memory_limit and can spill (joins, aggregates, temporary tables) goes here.
        p.setProperty("temp_directory", workDirectory.resolve("duckdb-spill").toString());
        return p;
    }

    private void init() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS raw");
            s.execute("CREATE SCHEMA IF NOT EXISTS fhirpipe_state");
            s.execute("CREATE TABLE IF NOT EXISTS fhirpipe_state.chunk_ledger (chunk_id VARCHAR PRIMARY KEY, "
                    + "chunk_blob VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, export_id VARCHAR NOT NULL, "
                    + "resource_type VARCHAR NOT NULL, kind VARCHAR NOT NULL, rows_loaded BIGINT NOT NULL, "
                    + "rows_rejected BIGINT NOT NULL, loaded_at TIMESTAMPTZ NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS fhirpipe_state.deleted_resources (resource_type VARCHAR NOT NULL, "
                    + "id VARCHAR NOT NULL, deleted_at TIMESTAMPTZ NOT NULL, export_id VARCHAR, chunk VARCHAR)");
            s.execute("CREATE TABLE IF NOT EXISTS fhirpipe_state.curated_pending (resource_type VARCHAR PRIMARY KEY)");
            s.execute("CREATE OR REPLACE TEMP TABLE _chunk_rows (id VARCHAR, version_id VARCHAR, "
                    + "last_updated TIMESTAMPTZ, resource JSON)");
            s.execute("CREATE OR REPLACE TEMP TABLE _chunk_deletes (id VARCHAR, deleted_at TIMESTAMPTZ)");
        }
        for (TypedView view : views.all()) {
            prepare(view.resourceType());
        }
    }

    /**
     * Creates a type's raw table and its typed tables or views if missing. A typed table whose
     * columns no longer match its ViewDefinition (a user edited the view) is rebuilt from the raw
     * table; views are replaced at every start-up. Switching {@link TypedStorage} replaces the
     * tables by views or the views by tables built from the raw table.
     */
    private void prepare(String resourceType) throws SQLException {
        if (preparedTypes.contains(resourceType)) {
            return;
        }
        String raw = qualified(rawTable(resourceType));
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + raw + " (id VARCHAR NOT NULL, version_id VARCHAR, "
                    + "last_updated TIMESTAMPTZ, export_id VARCHAR NOT NULL, chunk VARCHAR NOT NULL, "
                    + "resource JSON NOT NULL)");
            for (TypedView view : views.forType(resourceType)) {
                List<String> expected = new ArrayList<>();
                expected.add(LoaderViews.RESOURCE_KEY);
                expected.addAll(view.columns());
                String name = SQL.quote(view.table());
                String kind = relationKind(view.table());
                List<String> actual = columns(view.table());
                if (typed == TypedStorage.VIEWS) {
                    if ("table".equals(kind)) {
                        LOG.infof("typed storage is views: replacing table %s by a view over %s", view.table(), raw);
                        s.execute("DROP TABLE " + name);
                    }
                    s.execute("CREATE OR REPLACE VIEW " + name + " AS " + view.selectFromRaw());
                    if ("table".equals(kind) || (kind != null && !actual.equals(expected))) {
                        markPending(s, resourceType);
                    }
                } else if ("view".equals(kind)) {
                    LOG.infof("typed storage is tables: replacing view %s by a table built from %s", view.table(), raw);
                    s.execute("DROP VIEW " + name);
                    s.execute("CREATE TABLE " + name + " AS " + view.selectFromRaw());
                    markPending(s, resourceType);
                } else if (actual.isEmpty()) {
                    s.execute("CREATE TABLE " + name + " AS " + view.selectFromRaw());
                } else if (!actual.equals(expected)) {
                    LOG.infof("view %s changed (columns %s -> %s): rebuilding its table from %s", view.table(),
                            actual, expected, raw);
                    s.execute("CREATE OR REPLACE TABLE " + name + " AS " + view.selectFromRaw());
                    markPending(s, resourceType);
                }
            }
        }
        preparedTypes.add(resourceType);
    }

    /** "table", "view" or null: what {@code main."{name}"} of this database is. */
    private String relationKind(String name) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT 'table' FROM duckdb_tables() "
                + "WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? "
                + "AND NOT temporary UNION ALL SELECT 'view' FROM duckdb_views() "
                + "WHERE database_name = current_database() AND schema_name = 'main' AND view_name = ? "
                + "AND NOT temporary AND NOT internal")) {
            p.setString(1, name);
            p.setString(2, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private List<String> columns(String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT column_name FROM information_schema.columns "
                + "WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = ? "
                + "ORDER BY ordinal_position")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** On a connection of its own to the same database: the loader's may be in a load transaction. */
    @Override
    public void ping() throws SQLException {
        try (java.sql.Connection own = connection.duplicate(); java.sql.Statement s = own.createStatement();
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
        try (PreparedStatement p = connection.prepareStatement("SELECT rows_loaded, rows_rejected, loaded_at "
                + "FROM fhirpipe_state.chunk_ledger WHERE chunk_id = ?")) {
            p.setString(1, chunkId);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LedgerEntry(chunkId, rs.getLong(1), rs.getLong(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()));
            }
        } catch (SQLException e) {
            throw transient_("reading the chunk ledger", e);
        }
    }

    /**
     * Loads a screened chunk of resources in one transaction ({@link #mergeIntoRaw}): of each id, the
     * newest version, chunk or stored, stays unless a tombstone outlives it; typed tables follow for
     * the ids whose row changed; the ledger row and the curated marker commit with them.
     *
     * @return how many resources replaced (or added to) the raw table
     */
    @Override
    public long loadResources(ChunkRef chunk, Path ndjson, long accepted, long rejected, Instant now) {
        requireLocked();
        String type = chunk.resourceType();
        String raw = qualified(rawTable(type));
        String typeLiteral = SQL.string(type);
        try {
            stepStart = System.nanoTime();
            prepare(type);
            connection.setAutoCommit(false);
            long applied;
            if (accepted == 0) {
                // nothing to read (every line was rejected): only the ledger row
                writeLedger(chunk, "output", accepted, rejected, now);
                connection.commit();
                return 0;
            }
            try (Statement s = connection.createStatement()) {
                applied = mergeIntoRaw(s, chunk, ndjson, raw, typeLiteral);
            }
            writeLedger(chunk, "output", accepted, rejected, now);
            connection.commit();
            step("6 ledger + commit");
            return applied;
        } catch (SQLException e) {
            rollback();
            throw transient_("loading chunk " + chunk.chunkBlob(), e);
        } finally {
            autoCommit();
        }
    }

    /**
     * The chunk's lines go straight into the raw table (one bulk read, as DuckDB's own INSERT ...
     * SELECT FROM read_ndjson_objects does), labelled with the chunk's blob; then, inside the same
     * transaction, the few ids that now have more than one row (a stored version, or two versions
     * in the chunk) keep only their newest row, and rows a tombstone outlives go. Reading the chunk
     * into a temporary table first and merging from there cost twice the insert: in a bulk export
     * almost every id is new.
     *
     * <p>Rows that carried this chunk's label before the insert (the same blob name cut again with
     * other bytes, a new ledger id) are counted off {@code applied} and, with typed tables, have
     * their typed rows rebuilt with the chunk's.
     *
     * @return how many of the chunk's rows stand in the raw table afterwards (net of earlier rows
     *         with the same label)
     */
    private long mergeIntoRaw(Statement s, ChunkRef chunk, Path ndjson, String raw, String typeLiteral)
            throws SQLException {
        String label = SQL.string(chunk.chunkBlob());
        String ofChunk = " FROM " + raw + " WHERE chunk = " + label;
        long labelledBefore = count(s, "SELECT count(*)" + ofChunk);
        s.execute("INSERT INTO " + raw + " SELECT k[1], k[2], TRY_CAST(k[3] AS TIMESTAMPTZ), "
                + SQL.string(chunk.exportId()) + ", " + label + ", json FROM (SELECT json_extract_string(json, "
                + "['$.id', '$.meta.versionId', '$.meta.lastUpdated']) AS k, json FROM read_ndjson_objects("
                + SQL.string(ndjson.toAbsolutePath().toString()) + ", format = 'newline_delimited'))");
        step("1 insert chunk into raw");
        if (count(s, "SELECT count(*) FROM fhirpipe_state.deleted_resources WHERE resource_type = "
                + typeLiteral) > 0) {
            // a tombstone outlives every version last updated at or before the deletion
            s.execute("DELETE FROM " + raw + " r USING fhirpipe_state.deleted_resources t WHERE r.chunk = " + label
                    + " AND t.resource_type = " + typeLiteral + " AND t.id = r.id "
                    + "AND NOT coalesce(r.last_updated > t.deleted_at, false)");
            s.execute("DELETE FROM fhirpipe_state.deleted_resources WHERE resource_type = " + typeLiteral
                    + " AND id IN (SELECT id" + ofChunk + ")");
        }
        s.execute("CREATE OR REPLACE TEMP TABLE _conflicts AS SELECT id FROM " + raw + " WHERE id IN (SELECT id"
                + ofChunk + ") GROUP BY id HAVING count(*) > 1");
        boolean conflicts = count(s, "SELECT count(*) FROM _conflicts") > 0;
        if (conflicts) {
            // on equal versions what was stored before stays: reloading a version changes nothing
            s.execute("DELETE FROM " + raw + " WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER ("
                    + "PARTITION BY id ORDER BY " + LatestVersionSql.ORDER_NEWEST_FIRST + ", chunk = " + label
                    + ") AS newest FROM " + raw + " WHERE id IN (SELECT id FROM _conflicts)) WHERE newest > 1)");
        }
        s.execute("DROP TABLE _conflicts");
        step("2 keep the newest row per id");
        long labelledAfter = count(s, "SELECT count(*)" + ofChunk);
        if (labelledAfter > 0) {
            markPending(s, chunk.resourceType());
        }
        if (typed == TypedStorage.TABLES && labelledAfter > 0) {
            s.execute("CREATE OR REPLACE TEMP TABLE _chunk_rows AS SELECT id, version_id, last_updated, resource"
                    + ofChunk);
            for (TypedView view : views.forType(chunk.resourceType())) {
                String table = SQL.quote(view.table());
                if (conflicts || labelledBefore > 0) {
                    s.execute("DELETE FROM " + table + " WHERE " + SQL.quote(LoaderViews.RESOURCE_KEY)
                            + " IN (SELECT id FROM _chunk_rows)");
                }
                step("4 delete old typed rows");
                s.execute("INSERT INTO " + table + " " + view.selectFromChunk());
                step("5 insert typed rows");
            }
            s.execute("DROP TABLE _chunk_rows");
            s.execute("CREATE TEMP TABLE _chunk_rows (id VARCHAR, version_id VARCHAR, "
                    + "last_updated TIMESTAMPTZ, resource JSON)");
        }
        return Math.max(0, labelledAfter - labelledBefore);
    }

    /**
     * Applies a chunk of deletions in one transaction. A deletion older than the stored version
     * (the id was re-created since) or than an existing tombstone is ignored; otherwise the raw and
     * typed rows go and a tombstone records the deletion time.
     *
     * @return how many deletions took effect
     */
    @Override
    public long applyDeletes(ChunkRef chunk, List<Deletion> deletions, long accepted, long rejected, Instant now) {
        requireLocked();
        String type = chunk.resourceType();
        String raw = qualified(rawTable(type));
        String typeLiteral = SQL.string(type);
        try {
            prepare(type);
            connection.setAutoCommit(false);
            long applied;
            try (Statement s = connection.createStatement()) {
                s.execute("DELETE FROM _chunk_deletes");
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO _chunk_deletes VALUES (?, ?)")) {
                    for (Deletion d : deletions) {
                        insert.setString(1, d.id());
                        insert.setObject(2, OffsetDateTime.ofInstant(d.deletedAt(), java.time.ZoneOffset.UTC));
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                s.execute("CREATE OR REPLACE TEMP TABLE _chunk_deletes AS SELECT id, max(deleted_at) AS deleted_at "
                        + "FROM _chunk_deletes GROUP BY id");
                s.execute("DELETE FROM _chunk_deletes d USING fhirpipe_state.deleted_resources t "
                        + "WHERE t.resource_type = " + typeLiteral + " AND t.id = d.id AND t.deleted_at >= d.deleted_at");
                s.execute("DELETE FROM _chunk_deletes d USING " + raw + " r "
                        + "WHERE r.id = d.id AND r.last_updated > d.deleted_at");
                applied = count(s, "SELECT count(*) FROM _chunk_deletes");
                if (applied > 0) {
                    s.execute("DELETE FROM fhirpipe_state.deleted_resources WHERE resource_type = " + typeLiteral
                            + " AND id IN (SELECT id FROM _chunk_deletes)");
                    s.execute("INSERT INTO fhirpipe_state.deleted_resources SELECT " + typeLiteral + ", id, deleted_at, "
                            + SQL.string(chunk.exportId()) + ", " + SQL.string(chunk.chunkBlob())
                            + " FROM _chunk_deletes");
                    s.execute("DELETE FROM " + raw + " WHERE id IN (SELECT id FROM _chunk_deletes)");
                    for (TypedView view : typed == TypedStorage.TABLES ? views.forType(type) : List.<TypedView>of()) {
                        s.execute("DELETE FROM " + SQL.quote(view.table()) + " WHERE "
                                + SQL.quote(LoaderViews.RESOURCE_KEY) + " IN (SELECT id FROM _chunk_deletes)");
                    }
                    markPending(s, type);
                }
            }
            writeLedger(chunk, "deleted", accepted, rejected, now);
            connection.commit();
            return applied;
        } catch (SQLException e) {
            rollback();
            throw transient_("applying deletions of chunk " + chunk.chunkBlob(), e);
        } finally {
            autoCommit();
        }
    }

    /**
     * Writes a Parquet snapshot of every typed table (or view: the same SELECT reads either) of every
     * type whose rows changed since its last snapshot, hands it to {@code sink}, then clears the marker.
     */
    @Override
    public void publishCurated(CuratedSink sink) {
        requireLocked();
        stepStart = System.nanoTime();
        List<String> pending = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT resource_type FROM fhirpipe_state.curated_pending ORDER BY 1")) {
            while (rs.next()) {
                pending.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw transient_("reading pending curated snapshots", e);
        }
        for (String type : pending) {
            for (TypedView view : views.forType(type)) {
                Path file = workDirectory.resolve(view.table() + "-" + UUID.randomUUID() + ".parquet");
                try {
                    writeParquet(view, file);
                    step("7 curated Parquet COPY");
                    sink.put(type, view.table(), file);
                    step("8 curated sink put");
                } catch (SQLException e) {
                    throw transient_("writing Parquet of " + view.table(), e);
                } finally {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // a temp file left behind is harmless
                    }
                }
            }
            try (PreparedStatement p = connection.prepareStatement(
                    "DELETE FROM fhirpipe_state.curated_pending WHERE resource_type = ?")) {
                p.setString(1, type);
                p.executeUpdate();
            } catch (SQLException e) {
                throw transient_("clearing the curated marker of " + type, e);
            }
        }
        // only a complete pass counts: after a failure the next call tries again at once
        lastCuratedNanos = System.nanoTime();
    }

    /**
     * One typed table's rows into one Parquet file. With {@link TypedStorage#VIEWS} every column is a
     * JSON evaluation over the raw table, and DuckDB keeps a parse arena per JSON function call, each
     * as large as a vector's (2,048) documents parsed: a view with a dozen JSON calls needs 400 MB
     * whatever the table's size, far more than a container's memory_limit, and failed with "Out of
     * Memory" on every snapshot. Such a view is evaluated in passes instead: a set of columns that
     * does not fit is halved until each half fits, each pass goes into a temporary table (spilled to
     * temp_directory when large), and the passes are joined by position into the file. A set that
     * does not fit fails on its first vector, so trying it costs little. Insertion order is kept
     * for these statements: that is what lines the passes' rows up.
     */
    private void writeParquet(TypedView view, Path file) throws SQLException {
        List<String> columns = view.columns().stream().map(SQL::quote).toList();
        String target = " TO " + SQL.string(file.toString()) + " (FORMAT parquet)";
        try {
            execute("COPY (SELECT " + String.join(", ", columns) + " FROM " + SQL.quote(view.table()) + ")" + target);
            return;
        } catch (SQLException e) {
            if (!outOfMemory(e) || columns.size() == 1 || !snapshotsInPasses) {
                throw e;
            }
            LOG.debugf("curated snapshot of %s does not fit in DuckDB's memory_limit at once: in passes", view.table());
        }
        List<String> passes = new ArrayList<>();
        execute("SET preserve_insertion_order = true");
        try {
            evaluate(view.table(), columns, passes);
            execute("COPY (SELECT * FROM " + String.join(" POSITIONAL JOIN ", passes) + ")" + target);
        } finally {
            for (String pass : passes) {
                execute("DROP TABLE IF EXISTS " + pass);
            }
            execute("SET preserve_insertion_order = false");
        }
    }

    /** Columns of a view into temporary tables, as many per table as fit; appends the tables in column order. */
    private void evaluate(String view, List<String> columns, List<String> passes) throws SQLException {
        String pass = "_curated_pass_" + passes.size();
        try {
            execute("CREATE OR REPLACE TEMP TABLE " + pass + " AS SELECT " + String.join(", ", columns) + " FROM "
                    + SQL.quote(view));
            passes.add(pass);
        } catch (SQLException e) {
            if (!outOfMemory(e) || columns.size() == 1) {
                throw e;
            }
            evaluate(view, columns.subList(0, columns.size() / 2), passes);
            evaluate(view, columns.subList(columns.size() / 2, columns.size()), passes);
        }
    }

    /** DuckDB closes a statement that failed, so each gets its own. */
    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private static boolean outOfMemory(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("Out of Memory");
    }

    /**
     * Debounced {@link #publishCurated}: writes the snapshots only when at least {@code minInterval}
     * has passed since the last one this process wrote (or since it opened the database). A snapshot is a
     * full rewrite of each pending type's typed tables, so writing it after every chunk makes a
     * load cost grow with the table; in between, the {@code curated_pending} marker (committed with
     * the rows) remembers what is behind, and {@link #flushCurated} on a timer catches up once the
     * chunks stop coming. Requires the warehouse lock, like the loads.
     *
     * @return whether snapshots were written (nothing may have been pending)
     */
    @Override
    public boolean publishCuratedIfDue(CuratedSink sink, java.time.Duration minInterval) {
        requireLocked();
        lastLoadNanos = System.nanoTime();
        if (System.nanoTime() - lastCuratedNanos < minInterval.toNanos()) {
            return false;
        }
        publishCurated(sink);
        return true;
    }

    /**
     * Writes every pending snapshot now, whatever the interval: for a timer (or shutdown) so the
     * curated Parquet never stays behind the tables for longer than the timer's period once loads
     * stop. Takes the warehouse lock itself, waiting for a load in progress to finish.
     */
    @Override
    public void flushCurated(CuratedSink sink) {
        flushCurated(sink, IDLE_BEFORE_PASSES);
    }

    /**
     * A snapshot in passes (see {@link #writeParquet}) of a large table takes minutes and holds the
     * lock, so it runs only once chunk loads have stopped for {@code idleBeforePasses}: during an
     * export a snapshot that does not fit stays pending (one failed attempt, cheap) and the loads go
     * on at full speed; the timer writes it in the first quiet moment.
     */
    void flushCurated(CuratedSink sink, java.time.Duration idleBeforePasses) {
        lock.lock();
        try {
            snapshotsInPasses = System.nanoTime() - lastLoadNanos >= idleBeforePasses.toNanos();
            publishCurated(sink);
        } finally {
            snapshotsInPasses = false;
            lock.unlock();
        }
    }

    /** A read-only query for tests and the benchmark; not used while loading. */
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

    @FunctionalInterface
    public interface SqlFunction<A, R> {
        R apply(A a) throws SQLException;
    }

    private void writeLedger(ChunkRef chunk, String kind, long accepted, long rejected, Instant now)
            throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO fhirpipe_state.chunk_ledger VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, chunk.chunkId());
            p.setString(2, chunk.chunkBlob());
            p.setString(3, chunk.event().sha256());
            p.setString(4, chunk.exportId());
            p.setString(5, chunk.resourceType());
            p.setString(6, kind);
            p.setLong(7, accepted);
            p.setLong(8, rejected);
            p.setObject(9, OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
            p.executeUpdate();
        }
    }

    private static void markPending(Statement s, String type) throws SQLException {
        s.execute("INSERT INTO fhirpipe_state.curated_pending VALUES (" + SQL.string(type) + ") ON CONFLICT DO NOTHING");
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String qualified(String table) {
        String[] parts = table.split("\\.");
        List<String> quoted = new ArrayList<>();
        for (String p : parts) {
            quoted.add(SQL.quote(p));
        }
        return String.join(".", quoted);
    }

    private void requireLocked() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("the warehouse lock must be held");
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warnf("rollback failed: %s", e.getMessage());
        }
    }

    private void autoCommit() {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.warnf("cannot restore auto-commit: %s", e.getMessage());
        }
    }

    /**
     * DuckDB errors while loading are locks, I/O, memory or a broken connection: worth retrying.
     * Data problems were screened out before (see ResourceLineScreen), so a chunk that fails here
     * on every delivery ends in the dead-letter queue after the subscription's max delivery count.
     */
    private static TransientFailure transient_(String what, SQLException e) {
        return new TransientFailure(what + " failed: " + e.getMessage(), null, e);
    }

    /**
     * Writes the WAL into the database file, so that the file alone holds every committed row: with
     * a large checkpoint_threshold the loads of a whole run can sit in the WAL, and a copy of the
     * file, or a process killed before DuckDB's own checkpoint at close, would lose them. Waits for
     * a load in progress. A failure is logged, not thrown: the WAL stays and DuckDB replays it at
     * the next start.
     */
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
            LOG.infof("DuckDB checkpoint of %s (%d KiB of WAL) took %d ms", databaseFile, walBytes / 1024,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException | IOException e) {
            LOG.warnf("DuckDB checkpoint of %s failed; its WAL is replayed at the next start: %s", databaseFile,
                    e.getMessage());
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
