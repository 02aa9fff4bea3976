package io.fhirpipe.synapseloader.duckdb;

import static io.fhirpipe.synapseloader.duckdb.DuckDbSql.SQL;
import static io.fhirpipe.synapseloader.duckdb.DuckDbSql.count;
import static io.fhirpipe.synapseloader.duckdb.DuckDbSql.markPending;
import static io.fhirpipe.synapseloader.duckdb.DuckDbSql.qualified;
import static io.fhirpipe.synapseloader.duckdb.DuckDbSql.transientFailure;

import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.lines.Deletion;
import io.fhirpipe.synapseloader.views.LoaderViews;
import io.fhirpipe.synapseloader.views.TypedView;
import io.fhirpipe.synapseloader.warehouse.LedgerEntry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The DuckDB warehouse's loads: a chunk of resources merged into its raw table (and typed tables),
 * a chunk of deletions with tombstones, each in one transaction with its ledger row. The caller
 * holds the warehouse lock.
 */
final class DuckDbLoads {

    private static final Logger LOG = Logger.getLogger(DuckDbLoads.class);

    private final Connection connection;
    private final DuckDbSchema schema;
    private final LoaderViews views;
    private final TypedStorage typed;

    DuckDbLoads(Connection connection, DuckDbSchema schema, LoaderViews views, TypedStorage typed) {
        this.connection = connection;
        this.schema = schema;
        this.views = views;
        this.typed = typed;
    }

    Optional<LedgerEntry> ledger(String chunkId) {
        try (PreparedStatement p = connection.prepareStatement("SELECT rows_loaded, rows_rejected, loaded_at "
                + "FROM fhirpipe_state.chunk_ledger WHERE chunk_id = ?")) {
            p.setString(1, chunkId);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LedgerEntry(
                        chunkId,
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()));
            }
        } catch (SQLException e) {
            throw transientFailure("reading the chunk ledger", e);
        }
    }

    /**
     * Loads a screened chunk of resources in one transaction ({@link #mergeIntoRaw}): of each id, the
     * newest version, chunk or stored, stays unless a tombstone outlives it; typed tables follow for
     * the ids whose row changed; the ledger row and the curated marker commit with them.
     *
     * @return how many resources replaced (or added to) the raw table
     */
    long loadResources(ChunkRef chunk, Path ndjson, long accepted, long rejected, Instant now) {
        String raw = qualified(DuckDbWarehouse.rawTable(chunk.resourceType()));
        String typeLiteral = SQL.string(chunk.resourceType());
        return inChunkTransaction(chunk, "output", accepted, rejected, now, "loading chunk ", () -> {
            if (accepted == 0) {
                return 0; // nothing to read (every line was rejected): only the ledger row
            }
            try (Statement s = connection.createStatement()) {
                return mergeIntoRaw(s, chunk, ndjson, raw, typeLiteral);
            }
        });
    }

    /** The work of one chunk, whose ledger row commits with it. */
    private interface ChunkWork {
        long apply() throws SQLException;
    }

    /**
     * Runs a chunk's work and writes its ledger row in one transaction, so a chunk is either loaded
     * and recorded or neither; a failure rolls back and is transient (the message is redelivered).
     */
    private long inChunkTransaction(
            ChunkRef chunk, String kind, long accepted, long rejected, Instant now, String what, ChunkWork work) {
        try {
            schema.prepare(chunk.resourceType());
            connection.setAutoCommit(false);
            long applied = work.apply();
            writeLedger(chunk, kind, accepted, rejected, now);
            connection.commit();
            return applied;
        } catch (SQLException e) {
            rollback();
            throw transientFailure(what + chunk.chunkBlob(), e);
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
        if (count(s, "SELECT count(*) FROM fhirpipe_state.deleted_resources WHERE resource_type = " + typeLiteral)
                > 0) {
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
                s.execute("INSERT INTO " + table + " " + view.selectFromChunk());
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
    long applyDeletes(ChunkRef chunk, List<Deletion> deletions, long accepted, long rejected, Instant now) {
        String type = chunk.resourceType();
        String raw = qualified(DuckDbWarehouse.rawTable(type));
        String typeLiteral = SQL.string(type);
        return inChunkTransaction(chunk, "deleted", accepted, rejected, now, "applying deletions of chunk ", () -> {
            long applied;
            try (Statement s = connection.createStatement()) {
                s.execute("DELETE FROM _chunk_deletes");
                try (PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO _chunk_deletes VALUES (?, ?)")) {
                    for (Deletion d : deletions) {
                        insert.setString(1, d.id());
                        insert.setObject(2, OffsetDateTime.ofInstant(d.deletedAt(), ZoneOffset.UTC));
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                s.execute("CREATE OR REPLACE TEMP TABLE _chunk_deletes AS SELECT id, max(deleted_at) AS deleted_at "
                        + "FROM _chunk_deletes GROUP BY id");
                s.execute("DELETE FROM _chunk_deletes d USING fhirpipe_state.deleted_resources t "
                        + "WHERE t.resource_type = " + typeLiteral
                        + " AND t.id = d.id AND t.deleted_at >= d.deleted_at");
                s.execute("DELETE FROM _chunk_deletes d USING " + raw + " r "
                        + "WHERE r.id = d.id AND r.last_updated > d.deleted_at");
                applied = count(s, "SELECT count(*) FROM _chunk_deletes");
                if (applied > 0) {
                    s.execute("DELETE FROM fhirpipe_state.deleted_resources WHERE resource_type = " + typeLiteral
                            + " AND id IN (SELECT id FROM _chunk_deletes)");
                    s.execute(
                            "INSERT INTO fhirpipe_state.deleted_resources SELECT " + typeLiteral + ", id, deleted_at, "
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
            return applied;
        });
    }

    private void writeLedger(ChunkRef chunk, String kind, long accepted, long rejected, Instant now)
            throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT INTO fhirpipe_state.chunk_ledger VALUES " + "(?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, chunk.chunkId());
            p.setString(2, chunk.chunkBlob());
            p.setString(3, chunk.event().sha256());
            p.setString(4, chunk.exportId());
            p.setString(5, chunk.resourceType());
            p.setString(6, kind);
            p.setLong(7, accepted);
            p.setLong(8, rejected);
            p.setObject(9, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            p.executeUpdate();
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
}
