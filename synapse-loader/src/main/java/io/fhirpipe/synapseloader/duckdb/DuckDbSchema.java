package io.fhirpipe.synapseloader.duckdb;

import static io.fhirpipe.synapseloader.duckdb.DuckDbSql.SQL;
import static io.fhirpipe.synapseloader.duckdb.DuckDbSql.markPending;
import static io.fhirpipe.synapseloader.duckdb.DuckDbSql.qualified;

import io.fhirpipe.synapseloader.views.LoaderViews;
import io.fhirpipe.synapseloader.views.TypedView;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The DuckDB warehouse's schema: the settings it opens with, the state tables, and each type's raw
 * table with its typed tables or views, created when a type is first seen.
 */
final class DuckDbSchema {

    private static final Logger LOG = Logger.getLogger(DuckDbSchema.class);

    private final Connection connection;
    private final LoaderViews views;
    private final TypedStorage typed;
    private final Set<String> preparedTypes = new HashSet<>();

    DuckDbSchema(Connection connection, LoaderViews views, TypedStorage typed) {
        this.connection = connection;
        this.views = views;
        this.typed = typed;
    }

    /** Schemas the loader creates; DuckDB names the catalog after the file, and equal names are ambiguous. */
    static final Set<String> SCHEMAS = Set.of("raw", "fhirpipe_state", "main", "temp", "system");

    static void requireUnambiguousCatalog(Path databaseFile) {
        String name = databaseFile.getFileName().toString();
        int dot = name.indexOf('.');
        String catalog = (dot < 0 ? name : name.substring(0, dot)).toLowerCase(Locale.ROOT);
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
    static Properties settings(
            Path workDirectory,
            Optional<String> memoryLimit,
            Optional<Integer> threads,
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

    void init() throws SQLException {
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
    void prepare(String resourceType) throws SQLException {
        if (preparedTypes.contains(resourceType)) {
            return;
        }
        String raw = qualified(DuckDbWarehouse.rawTable(resourceType));
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
                    LOG.infof(
                            "view %s changed (columns %s -> %s): rebuilding its table from %s",
                            view.table(), actual, expected, raw);
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
}
