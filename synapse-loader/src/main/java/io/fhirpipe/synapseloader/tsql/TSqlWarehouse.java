package io.fhirpipe.synapseloader.tsql;

import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.synapseloader.chunk.ChunkFailure;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.lines.Deletion;
import io.fhirpipe.synapseloader.warehouse.LedgerEntry;
import io.fhirpipe.synapseloader.warehouse.LineLimit;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The T-SQL warehouse dialects ({@code synapse-dedicated}, {@code fabric-warehouse},
 * {@code synapse-serverless}) behind {@link Warehouse}: the plans of {@link CopyIntoStatements} /
 * {@link ServerlessStatements} run by {@link TSqlPlanRunner} on one mssql-jdbc connection.
 *
 * <p>The warehouse reads the chunk from storage itself (COPY INTO / OPENROWSET), at the storage
 * account URL + {@code chunks/} + the chunk's blob name; the loader's local, screened copy is not
 * used (it still serves the checksum check and the rejected/ lines). The schema (setup plan) is
 * created at start-up for every type with a view, and on first use for any other type.
 *
 * <p>Failures: a transient SQL error ({@link SqlServerTransientErrors}) or a connection that
 * cannot be opened is a {@link TransientFailure} (the message is abandoned, the broker redelivers
 * and dead-letters after the subscription's max delivery count) and the connection is dropped so
 * the next attempt reconnects; any other SQL error is a {@link ChunkFailure} with reason
 * {@code WarehouseSqlError<number>} (dead-lettered at once, chunk.failed published). Messages
 * carry the statement name and the driver's message, never a statement with a credential
 * (see {@link TSqlPlanRunner}).
 *
 * <p>When the loader rejected lines of a chunk (among them any line over {@link #MAX_LINE_BYTES},
 * which would fail the whole COPY INTO / OPENROWSET), the warehouse reads the loader's screened
 * copy instead of the chunk blob, written next to it for the load and deleted after it.
 *
 * <p>Serverless keeps no ledger (it has no transactions): its load is idempotent instead, so
 * {@link #ledger} is always empty there and a redelivered chunk is written again to the same
 * folders; deletions are tombstone Parquet files the views read ({@link ServerlessStatements}).
 */
public final class TSqlWarehouse implements Warehouse {

    public static final String SQL_ERROR = "WarehouseSqlError";
    public static final String NOT_LOADABLE = "ChunkNotLoadable";

    private static final Logger LOG = Logger.getLogger(TSqlWarehouse.class);

    private final WarehouseKind kind;
    private final WarehouseLayout layout;
    private final CopyIntoStatements copyInto;
    private final ServerlessStatements serverless;
    private final StorageFolders folders;
    private final SqlConnectionSource connections;
    private final TSqlPlanRunner runner;
    private final List<ViewDefinition> views;
    private final String storageAccountUrl;
    private final Set<String> preparedTypes = new LinkedHashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Names each serverless tombstone write (CETAS needs an empty folder); tests fix it. */
    private java.util.function.Supplier<String> attemptIds =
            () -> java.util.UUID.randomUUID().toString().substring(0, 8);

    private Connection connection;

    private TSqlWarehouse(
            WarehouseKind kind,
            WarehouseLayout layout,
            StorageCredential credential,
            String storageAccountUrl,
            List<ViewDefinition> views,
            SqlConnectionSource connections,
            StorageFolders folders,
            TSqlPlanRunner runner) {
        this.kind = kind;
        this.layout = layout;
        this.storageAccountUrl = StorageLocations.url(trimSlash(storageAccountUrl));
        if (kind == WarehouseKind.SYNAPSE_SERVERLESS) {
            this.serverless = new ServerlessStatements(layout, credential, this.storageAccountUrl, Containers.CURATED);
            this.copyInto = null;
        } else {
            this.copyInto = new CopyIntoStatements(kind, layout, credential);
            this.serverless = null;
        }
        this.views = List.copyOf(views);
        this.connections = connections;
        this.folders = folders;
        this.runner = runner;
    }

    /**
     * Builds the dialect and runs its setup plan (schemas, ledger, raw and typed tables or
     * serverless views) for the resource types of {@code views} plus {@code resourceTypes}. A view
     * the T-SQL compiler does not support, or a SQL error, fails here, at start-up.
     *
     * @param views the ViewDefinitions to load (already limited to the served types)
     * @param resourceTypes further types to prepare (the served types, when configured)
     */
    public static TSqlWarehouse open(
            WarehouseKind kind,
            WarehouseLayout layout,
            StorageCredential credential,
            String storageAccountUrl,
            List<ViewDefinition> views,
            List<String> resourceTypes,
            SqlConnectionSource connections,
            StorageFolders folders) {
        return open(
                kind,
                layout,
                credential,
                storageAccountUrl,
                views,
                resourceTypes,
                connections,
                folders,
                new TSqlPlanRunner());
    }

    static TSqlWarehouse open(
            WarehouseKind kind,
            WarehouseLayout layout,
            StorageCredential credential,
            String storageAccountUrl,
            List<ViewDefinition> views,
            List<String> resourceTypes,
            SqlConnectionSource connections,
            StorageFolders folders,
            TSqlPlanRunner runner) {
        TSqlWarehouse warehouse =
                new TSqlWarehouse(kind, layout, credential, storageAccountUrl, views, connections, folders, runner);
        Set<String> types = new LinkedHashSet<>();
        views.forEach(v -> types.add(v.resource()));
        types.addAll(resourceTypes);
        try {
            warehouse.prepare(new ArrayList<>(types));
        } catch (SQLException e) {
            warehouse.close();
            throw new IllegalStateException(
                    "setting up the " + kind.configName() + " warehouse failed: " + e.getMessage() + " (SQL error "
                            + e.getErrorCode() + ")",
                    e);
        }
        return warehouse;
    }

    public WarehouseKind kind() {
        return kind;
    }

    /** For tests: predictable attempt ids in the serverless tombstone folders. */
    TSqlWarehouse withAttemptIds(java.util.function.Supplier<String> ids) {
        this.attemptIds = ids;
        return this;
    }

    public WarehouseLayout layout() {
        return layout;
    }

    /** The URL (dedicated, Fabric) or data-source-relative path (serverless) the warehouse reads. */
    public String chunkLocation(ChunkRef chunk) {
        return location(Containers.CHUNKS + "/" + encodePath(chunk.chunkBlob()));
    }

    private String location(String path) {
        return kind == WarehouseKind.SYNAPSE_SERVERLESS
                ? StorageLocations.path(path)
                : StorageLocations.url(storageAccountUrl + "/" + path);
    }

    /**
     * The blob (in {@code chunks}) the screened copy of a chunk goes to, next to the chunk: named per
     * attempt, so a loader deleting its copy never pulls it from under another loader of the chunk.
     */
    static String screenedBlob(String chunkBlob, String attempt) {
        String stem = chunkBlob.endsWith(".ndjson") ? chunkBlob.substring(0, chunkBlob.length() - 7) : chunkBlob;
        return stem + ".screened-" + attempt + ".ndjson";
    }

    /**
     * The same limit for the three dialects, so a chunk diverts the same lines whichever loads it:
     * COPY INTO on a dedicated pool fails a row over 1,000,000 bytes ("exceeds the maximum allowed
     * row size of 1000000 bytes"), on Fabric a CSV cell over 1 MB (read as 10^6 bytes, the lower
     * reading); serverless documents no figure for OPENROWSET's CSV rows.
     */
    public static final long MAX_LINE_BYTES = 1_000_000;

    @Override
    public Optional<LineLimit> lineLimit() {
        return Optional.of(new LineLimit(
                MAX_LINE_BYTES,
                switch (kind) {
                    case SYNAPSE_DEDICATED ->
                        "COPY INTO on a Synapse dedicated pool reads rows of at most" + " 1,000,000 bytes";
                    case FABRIC_WAREHOUSE -> "COPY INTO on a Fabric Warehouse reads CSV cells of at most 1 MB";
                    case SYNAPSE_SERVERLESS -> "the T-SQL dialects' line limit, kept on serverless too";
                }));
    }

    @Override
    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public Optional<LedgerEntry> ledger(String chunkId) {
        requireLocked();
        if (kind == WarehouseKind.SYNAPSE_SERVERLESS) {
            return Optional.empty();
        }
        String sql = "SELECT " + TSqlText.quote("rows_loaded", "column") + ", "
                + TSqlText.quote("rows_rejected", "column") + ", " + TSqlText.quote("loaded_at", "column")
                + " FROM " + TSqlText.table(layout.controlSchema(), WarehouseLayout.LEDGER_TABLE)
                + " WHERE " + TSqlText.quote("chunk_id", "column") + " = "
                + TSqlText.literal(chunkId, "chunk id");
        try (Statement s = connection().createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return Optional.empty();
            }
            // loaded_at is GETUTCDATE(): a DATETIME2 in UTC
            LocalDateTime at = rs.getObject(3, LocalDateTime.class);
            return Optional.of(new LedgerEntry(chunkId, rs.getLong(1), rs.getLong(2), at.toInstant(ZoneOffset.UTC)));
        } catch (SQLException e) {
            throw failure("reading the chunk ledger", e);
        }
    }

    @Override
    public long loadResources(ChunkRef chunk, Path ndjson, long accepted, long rejected, Instant now) {
        requireLocked();
        List<ViewDefinition> typeViews = viewsOf(chunk.resourceType());
        ChunkToLoad toLoad;
        // The chunk blob still holds the lines the loader rejected, among them any too long for the
        // bulk load, which would fail the whole statement: then the warehouse reads the loader's
        // screened copy (only the accepted lines), and the ledger adds the rejected lines it lacks.
        String screened = rejected > 0 ? screenedBlob(chunk.chunkBlob(), attemptIds.get()) : null;
        try {
            toLoad = new ChunkToLoad(
                    chunk.chunkId(),
                    chunk.resourceType(),
                    chunk.exportId(),
                    screened == null ? chunkLocation(chunk) : location(Containers.CHUNKS + "/" + encodePath(screened)),
                    rejected);
        } catch (IllegalArgumentException e) {
            throw new ChunkFailure(
                    NOT_LOADABLE,
                    "chunk " + chunk.chunkBlob() + " cannot be loaded by " + kind.configName() + ": " + e.getMessage(),
                    e);
        }
        if (screened != null) {
            folders.upload(Containers.CHUNKS, screened, ndjson);
        }
        try {
            prepare(List.of(chunk.resourceType()));
            LoadPlan plan;
            if (serverless != null) {
                // CETAS fails on a non-empty folder: clear what an earlier attempt wrote
                serverless.chunkFolders(toLoad, typeViews).forEach(folders::deleteFolder);
                plan = serverless.chunk(toLoad, typeViews);
            } else {
                plan = copyInto.chunk(toLoad, typeViews);
            }
            TSqlPlanRunner.Outcome outcome = runner.run(connection(), plan);
            if (outcome.alreadyLoaded()) {
                LOG.infof("chunk %s was loaded meanwhile (ledger), nothing applied", chunk.chunkBlob());
            } else if (outcome.rowsRejected() + toLoad.rejectedBefore() != rejected) {
                LOG.warnf(
                        "chunk %s: the warehouse found %d unloadable lines, the loader's screen %d",
                        chunk.chunkBlob(), outcome.rowsRejected() + toLoad.rejectedBefore(), rejected);
            }
            return outcome.alreadyLoaded() ? 0 : APPLIED_UNKNOWN;
        } catch (SQLException e) {
            throw failure("loading chunk " + chunk.chunkBlob(), e);
        } finally {
            if (screened != null) {
                deleteQuietly(screened);
            }
        }
    }

    /** A copy left behind is only storage: the load's outcome must not depend on removing it. */
    private void deleteQuietly(String blob) {
        try {
            folders.deleteFile(Containers.CHUNKS, blob);
        } catch (RuntimeException e) {
            LOG.warnf("the screened chunk copy %s was not deleted: %s", blob, e.getMessage());
        }
    }

    @Override
    public long applyDeletes(ChunkRef chunk, List<Deletion> deletions, long accepted, long rejected, Instant now) {
        requireLocked();
        List<ResourceDeletion> entries = new ArrayList<>();
        ChunkToLoad toLoad;
        try {
            for (Deletion d : deletions) {
                entries.add(new ResourceDeletion(d.id(), d.deletedAt()));
            }
            toLoad = new ChunkToLoad(chunk.chunkId(), chunk.resourceType(), chunk.exportId(), "-");
        } catch (IllegalArgumentException e) {
            throw new ChunkFailure(
                    NOT_LOADABLE,
                    "deletions of chunk " + chunk.chunkBlob() + " cannot be applied: " + e.getMessage(),
                    e);
        }
        try {
            prepare(List.of(chunk.resourceType()));
            LoadPlan plan;
            if (serverless != null) {
                plan = serverless.deletions(
                        chunk.chunkId(), chunk.resourceType(), chunk.exportId(), entries, attemptIds.get());
            } else {
                plan = copyInto.deletions(
                        chunk.chunkId(),
                        chunk.resourceType(),
                        chunk.exportId(),
                        entries,
                        viewsOf(chunk.resourceType()));
            }
            TSqlPlanRunner.Outcome outcome = runner.run(connection(), plan);
            return outcome.alreadyLoaded() ? 0 : APPLIED_UNKNOWN;
        } catch (SQLException e) {
            throw failure("applying deletions of chunk " + chunk.chunkBlob(), e);
        }
    }

    @Override
    public void close() {
        discardConnection();
    }

    private void prepare(List<String> types) throws SQLException {
        List<String> missing =
                types.stream().filter(t -> !preparedTypes.contains(t)).toList();
        if (missing.isEmpty()) {
            return;
        }
        List<ViewDefinition> typeViews =
                views.stream().filter(v -> missing.contains(v.resource())).toList();
        List<SqlStatement> setup;
        if (serverless != null) {
            // only missing seed tombstones are written (CETAS needs an empty folder: emptied first)
            List<String> unseeded = missing.stream()
                    .filter(t -> !folders.holdsFiles(
                            serverless.seedFolders(List.of(t)).get(0)))
                    .toList();
            serverless.seedFolders(unseeded).forEach(folders::deleteFolder);
            setup = serverless.setup(typeViews, missing, unseeded);
        } else {
            setup = copyInto.setup(typeViews, missing);
        }
        Connection c = connection();
        for (SqlStatement s : setup) {
            runner.execute(c, s);
        }
        preparedTypes.addAll(missing);
    }

    private List<ViewDefinition> viewsOf(String type) {
        return views.stream().filter(v -> v.resource().equals(type)).toList();
    }

    /** A connection of its own: the loader's may be busy in a load, and a fresh login proves the credential. */
    @Override
    public void ping() throws SQLException {
        try (Connection own = connections.open();
                Statement s = own.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            try {
                connection = connections.open();
            } catch (SQLException e) {
                // a warehouse that cannot be reached (paused pool, network, expired credentials) is not
                // the chunk's fault: let the broker redeliver rather than dead-letter every chunk
                throw new SQLException(e.getMessage(), "08001", e.getErrorCode(), e);
            }
        }
        return connection;
    }

    private RuntimeException failure(String what, SQLException e) {
        if (SqlServerTransientErrors.isTransient(e)) {
            discardConnection();
            return new TransientFailure(
                    what + " failed with transient SQL error " + e.getErrorCode() + ": " + e.getMessage(), null, e);
        }
        return new ChunkFailure(
                SQL_ERROR + e.getErrorCode(),
                what + " failed with SQL error " + e.getErrorCode() + " (SQLState " + e.getSQLState() + "): "
                        + e.getMessage(),
                e);
    }

    private void discardConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debugf("closing the warehouse connection: %s", e.getMessage());
            }
            connection = null;
        }
    }

    private void requireLocked() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("the warehouse lock must be held");
        }
    }

    private static String trimSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Percent-encodes each segment of a blob name (RFC 3986 unreserved characters stay). */
    static String encodePath(String blobName) {
        StringBuilder out = new StringBuilder();
        for (byte b : blobName.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '/') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
