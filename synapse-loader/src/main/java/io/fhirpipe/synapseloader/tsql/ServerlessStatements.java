package io.fhirpipe.synapseloader.tsql;

import static io.fhirpipe.synapseloader.tsql.TSqlText.literal;
import static io.fhirpipe.synapseloader.tsql.TSqlText.optionLiteral;
import static io.fhirpipe.synapseloader.tsql.TSqlText.quote;
import static io.fhirpipe.synapseloader.tsql.TSqlText.table;

import io.fhirpipe.sqlonfhir.model.Column;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.TSqlDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.util.ArrayList;
import java.util.List;

/**
 * Statements for a Synapse serverless SQL pool, which stores nothing itself: each chunk is
 * written as Parquet under {@code curated/} with CETAS, and views over those folders pick the
 * latest version per id at query time.
 *
 * <p>Per chunk: a view over the chunk blob (OPENROWSET with the CSV parser and the vertical-tab
 * trick, one NVARCHAR(MAX) column per line, parsed with OPENJSON ... WITH, newest version per
 * id), then one CETAS for the raw rows and one per ViewDefinition, each into a folder named after
 * the chunk, then the external tables and the chunk view are dropped (dropping an external table
 * keeps its files).
 *
 * <p>Exactly-once: there are no transactions, so the load is idempotent instead. The folders are
 * a function of the chunk id; CETAS fails on a non-empty folder, so the caller deletes
 * {@link #chunkFolders} before running the stage (the statements drop leftover external tables
 * themselves). A redelivered chunk rewrites the same files, and the views rank a resource's
 * versions across all chunks, so duplicates never show.
 *
 * <p>Deletions ({@code deleted[]} chunks, resolved by the caller as for the other dialects) are
 * tombstones: CETAS of (id, deleted_at, chunk) under {@code curated/deleted/{Type}/{chunk key}/{attempt}/},
 * and every view hides a resource whose newest version was last updated at or before one of its
 * tombstones (the DuckDB and dedicated rule: a version updated after the deletion brings it back).
 * Because OPENROWSET fails on a path that matches no file, setup writes a seed tombstone (an empty
 * id, which no FHIR id equals) under {@code curated/deleted/{Type}/_seed/} before the views.
 *
 * <p>Start-up ({@link #setup}) checks the database first: not {@code master} (which cannot hold the
 * credential, data source and views; the user database is created by the deployment with
 * {@code CREATE DATABASE ... COLLATE Latin1_General_100_BIN2_UTF8}), with a UTF-8 collation (set
 * when it is not, because Parquet and the NDJSON chunks are UTF-8 and any other collation makes
 * VARCHAR reads convert them), and creates the database master key a database scoped credential
 * needs (without a password: optional on Synapse, where the service master key protects it).
 *
 * <p>Every OPENROWSET over Parquet names its columns ({@code WITH}) instead of letting the pool
 * infer them: inference reads Parquet strings as VARCHAR(8000), so a resource over 8 KB failed
 * the raw views with "String or binary data would be truncated". Text is VARCHAR(MAX) with the
 * UTF-8 collation (typed text too: 4,000 JSON_VALUE characters can exceed 8,000 UTF-8 bytes).
 */
final class ServerlessStatements {

    public static final String DATA_SOURCE = "fhirpipe_lake";
    public static final String FILE_FORMAT = "fhirpipe_parquet";
    public static final String CREDENTIAL = "fhirpipe_storage";
    /** Binary UTF-8 collation: what Microsoft recommends for reading UTF-8 files and Parquet. */
    public static final String UTF8_COLLATION = "Latin1_General_100_BIN2_UTF8";

    private final WarehouseLayout layout;
    private final StorageCredential credential;
    private final String lakeUrl;
    private final String curatedRoot;

    /**
     * @param lakeUrl the container (or folder) URL the external data source points at; chunk
     *     locations and {@code curatedRoot} are relative to it
     * @param curatedRoot folder for the Parquet output, e.g. "curated"
     */
    public ServerlessStatements(
            WarehouseLayout layout, StorageCredential credential, String lakeUrl, String curatedRoot) {
        this.layout = layout;
        this.credential = credential;
        this.lakeUrl = StorageLocations.url(lakeUrl);
        this.curatedRoot = StorageLocations.path(curatedRoot);
    }

    /** Created once: schemas, credential, data source, Parquet format, seed tombstones, and the views. */
    public List<SqlStatement> setup(List<ViewDefinition> views, List<String> resourceTypes) {
        return setup(views, resourceTypes, resourceTypes);
    }

    /**
     * @param seedTypes the types whose seed tombstone is missing and is written (after the caller
     *     emptied {@link #seedFolders} of them); a seed that exists is left alone, so the views of a
     *     running pool never see it gone while another loader starts
     */
    public List<SqlStatement> setup(List<ViewDefinition> views, List<String> resourceTypes, List<String> seedTypes) {
        List<SqlStatement> out = new ArrayList<>();
        out.add(new SqlStatement(
                "check-database",
                "IF DB_NAME() = N'master' THROW 50001, N'fhirpipe"
                        + " needs a user database on the serverless pool, not master: CREATE DATABASE <name> COLLATE "
                        + UTF8_COLLATION + ", then name it in the JDBC URL (databaseName)', 1"));
        out.add(new SqlStatement(
                "set-utf8-collation",
                "IF CONVERT(NVARCHAR(128),"
                        + " DATABASEPROPERTYEX(DB_NAME(), 'Collation')) NOT LIKE N'%[_]UTF8'"
                        + " EXEC(N'ALTER DATABASE CURRENT COLLATE " + UTF8_COLLATION + "')"));
        for (String schema : List.of(layout.rawSchema(), layout.typedSchema(), layout.controlSchema())) {
            out.add(new SqlStatement(
                    "create-schema-" + schema,
                    "IF SCHEMA_ID(" + literal(schema, "schema") + ") IS NULL EXEC(N'CREATE SCHEMA "
                            + quote(schema, "schema") + "')"));
        }
        String credentialOption = "";
        if (!(credential instanceof StorageCredential.CallerIdentity)) {
            // a database scoped credential's secret is encrypted by the database master key
            out.add(new SqlStatement(
                    "create-master-key",
                    "IF NOT EXISTS (SELECT 1 FROM"
                            + " sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##') CREATE MASTER KEY"));
            String identity = credential instanceof StorageCredential.SharedAccessSignature sas
                    ? "IDENTITY = 'SHARED ACCESS SIGNATURE', SECRET = " + optionLiteral(sas.token(), "SAS token")
                    : "IDENTITY = 'Managed Identity'";
            out.add(new SqlStatement(
                    "create-credential",
                    "IF NOT EXISTS (SELECT 1 FROM"
                            + " sys.database_scoped_credentials WHERE name = " + literal(CREDENTIAL, "credential")
                            + ") CREATE DATABASE SCOPED CREDENTIAL " + quote(CREDENTIAL, "credential") + " WITH "
                            + identity,
                    credential instanceof StorageCredential.SharedAccessSignature));
            credentialOption = ", CREDENTIAL = " + quote(CREDENTIAL, "credential");
        }
        out.add(new SqlStatement(
                "create-data-source",
                "IF NOT EXISTS (SELECT 1 FROM"
                        + " sys.external_data_sources WHERE name = " + literal(DATA_SOURCE, "data source")
                        + ") CREATE EXTERNAL DATA SOURCE " + quote(DATA_SOURCE, "data source") + " WITH (LOCATION = "
                        + optionLiteral(lakeUrl, "lake URL") + credentialOption + ")"));
        out.add(
                new SqlStatement(
                        "create-file-format",
                        "IF NOT EXISTS (SELECT 1 FROM"
                                + " sys.external_file_formats WHERE name = " + literal(FILE_FORMAT, "file format")
                                + ") CREATE EXTERNAL FILE FORMAT " + quote(FILE_FORMAT, "file format")
                                + " WITH (FORMAT_TYPE = PARQUET, DATA_COMPRESSION = 'org.apache.hadoop.io.compress.SnappyCodec')"));
        for (String type : seedTypes) {
            String seed = table(layout.controlSchema(), "tombstone_seed_" + type);
            out.add(dropExternal("drop-tombstone-seed-" + type, seed));
            out.add(new SqlStatement(
                    "cetas-tombstone-seed-" + type,
                    cetas(seed, seedFolder(type))
                            + "SELECT CAST(N'' AS NVARCHAR(64)) AS " + quote("id", "column")
                            + ", CAST('0001-01-01T00:00:00' AS DATETIME2(6)) AS " + quote("deleted_at", "column")
                            + ", CAST(N'' AS NVARCHAR(200)) AS " + quote("chunk", "column")));
            out.add(dropExternal("drop-tombstone-seed-" + type, seed));
        }
        for (String type : resourceTypes) {
            out.add(latestView(
                    "create-raw-view-" + type,
                    table(layout.rawSchema(), type),
                    "raw/" + type,
                    List.of(
                            new ParquetColumn("id", text(64)),
                            new ParquetColumn("version_id", text(64)),
                            new ParquetColumn("last_updated", "DATETIME2(6)"),
                            new ParquetColumn("export_id", text(400)),
                            new ParquetColumn("chunk", text(400)),
                            new ParquetColumn("resource", text(-1))),
                    List.of(),
                    "id",
                    false,
                    type));
        }
        for (ViewDefinition view : views) {
            if (!resourceTypes.contains(view.resource())) {
                continue;
            }
            List<ParquetColumn> columns = new ArrayList<>();
            columns.add(new ParquetColumn(WarehouseLayout.RESOURCE_KEY, text(64)));
            for (Column c : compile(view, "chunk_x", "x").columnDefinitions()) {
                String type = TypedColumns.sqlType(c, false);
                columns.add(new ParquetColumn(c.name(), type.startsWith("VARCHAR") ? text(-1) : type));
            }
            out.add(latestView(
                    "create-typed-view-" + view.name(),
                    table(layout.typedSchema(), view.name()),
                    "typed/" + view.name(),
                    columns,
                    List.of(
                            new ParquetColumn("_version_id", text(64)),
                            new ParquetColumn("_last_updated", "DATETIME2(6)"),
                            new ParquetColumn("_chunk", text(400))),
                    WarehouseLayout.RESOURCE_KEY,
                    true,
                    view.resource()));
        }
        return out;
    }

    /** A column of a Parquet folder as the views read it. */
    private record ParquetColumn(String name, String sqlType) {}

    /** UTF-8 text as Parquet stores it; {@code length < 0}: MAX. */
    private static String text(int length) {
        return "VARCHAR(" + (length < 0 ? "MAX" : Integer.toString(length)) + ") COLLATE " + UTF8_COLLATION;
    }

    /** Folders the caller empties before the stage, so CETAS can write them again. */
    public List<String> chunkFolders(ChunkToLoad chunk, List<ViewDefinition> views) {
        List<String> folders = new ArrayList<>();
        folders.add(folder("raw/" + chunk.resourceType(), chunk));
        for (ViewDefinition v : views) {
            folders.add(folder("typed/" + v.name(), chunk));
        }
        return folders;
    }

    /** Seed folders the caller empties before {@link #setup}, so CETAS can write them again. */
    public List<String> seedFolders(List<String> resourceTypes) {
        return resourceTypes.stream().map(this::seedFolder).toList();
    }

    /** Where the tombstones of a chunk of deletions go, one subfolder per attempt. */
    public String deletionFolder(ChunkToLoad chunk) {
        return folder("deleted/" + chunk.resourceType(), chunk);
    }

    /**
     * Tombstones for a chunk of deletions: one CETAS per {@link CopyIntoStatements#DELETE_BATCH}
     * deletions (rows as SELECT ... UNION ALL, as on dedicated pools), each into its own subfolder of
     * {@code {deletionFolder}/{attempt}/}. Nothing is deleted first: a tombstone written twice hides
     * the same versions, so a redelivery (a new attempt id) just writes them again, and the views
     * never see the tombstones missing in between. No ledger and no transaction.
     *
     * @param attempt a fresh identifier per attempt ([A-Za-z0-9]{1,32}), since CETAS refuses a non-empty
     *     folder; it names the external tables too, so two loaders writing the same chunk do not collide
     */
    public LoadPlan deletions(
            String chunkId, String resourceType, String exportId, List<ResourceDeletion> deletions, String attempt) {
        if (!attempt.matches("[A-Za-z0-9]{1,32}")) {
            throw new IllegalArgumentException("attempt id '" + attempt + "' is not [A-Za-z0-9]{1,32}");
        }
        ChunkToLoad chunk = new ChunkToLoad(chunkId, resourceType, exportId, "-");
        String chunkLit = literal(chunkId, "chunk id");
        List<SqlStatement> stage = new ArrayList<>();
        List<SqlStatement> cleanup = new ArrayList<>();
        for (int from = 0, batch = 1; from < deletions.size(); from += CopyIntoStatements.DELETE_BATCH, batch++) {
            List<String> rows = new ArrayList<>();
            for (ResourceDeletion d :
                    deletions.subList(from, Math.min(deletions.size(), from + CopyIntoStatements.DELETE_BATCH))) {
                rows.add("SELECT " + literal(d.id(), "id") + " AS " + quote("id", "column")
                        + ", CONVERT(DATETIME2(6), " + literal(d.deletedAt().toString(), "instant") + ", 127) AS "
                        + quote("deleted_at", "column") + ", " + chunkLit + " AS " + quote("chunk", "column"));
            }
            String ext = table(layout.controlSchema(), "cetas_" + chunk.key() + "_deleted_" + attempt + "_" + batch);
            stage.add(dropExternal("drop-cetas-deleted-" + batch, ext));
            stage.add(new SqlStatement(
                    "cetas-deleted-" + batch,
                    cetas(ext, StorageLocations.path(deletionFolder(chunk) + attempt + "/" + batch) + "/")
                            + String.join(" UNION ALL ", rows)));
            cleanup.add(dropExternal("drop-cetas-deleted-" + batch, ext));
        }
        return new LoadPlan(null, stage, null, null, List.of(), cleanup);
    }

    public LoadPlan chunk(ChunkToLoad chunk, List<ViewDefinition> views) {
        String type = chunk.resourceType();
        String key = chunk.key();
        String chunkView = table(layout.controlSchema(), "chunk_" + key);
        String lines = "OPENROWSET(BULK " + optionLiteral(StorageLocations.path(chunk.location()), "chunk path")
                + ", DATA_SOURCE = " + optionLiteral(DATA_SOURCE, "data source")
                + ", FORMAT = 'CSV', FIELDTERMINATOR = '0x0b', FIELDQUOTE = '0x0b', ROWTERMINATOR = '0x0a')"
                + " WITH (" + quote("line", "column") + " NVARCHAR(MAX))";
        List<SqlStatement> stage = new ArrayList<>();
        // a view, not a CTE, so the compiled ViewDefinition SQL can read it like a raw table
        stage.add(new SqlStatement(
                "create-chunk-view",
                "CREATE OR ALTER VIEW " + chunkView + " AS " + ChunkRowsSql.latestRows(lines, type, false)));
        String rawExt = table(layout.controlSchema(), "cetas_" + key + "_raw");
        stage.add(dropExternal("drop-cetas-raw", rawExt));
        stage.add(new SqlStatement(
                "cetas-raw",
                cetas(rawExt, folder("raw/" + type, chunk))
                        + "SELECT c." + quote("id", "column") + ", c." + quote("version_id", "column") + ", c."
                        + quote("last_updated", "column") + ", " + literal(chunk.exportId(), "export id") + " AS "
                        + quote("export_id", "column") + ", " + literal(chunk.chunkId(), "chunk id") + " AS "
                        + quote("chunk", "column") + ", c." + quote("resource", "column") + " FROM " + chunkView
                        + " AS c"));
        List<SqlStatement> cleanup = new ArrayList<>();
        for (ViewDefinition view : views) {
            if (!view.resource().equals(type)) {
                throw new IllegalArgumentException("view " + view.name() + " is not over " + type);
            }
            String ext = table(layout.controlSchema(), "cetas_" + key + "_" + view.name());
            CompiledView compiled = compile(view, "chunk_" + key, chunk.chunkId());
            stage.add(dropExternal("drop-cetas-" + view.name(), ext));
            stage.add(new SqlStatement(
                    "cetas-" + view.name(), cetas(ext, folder("typed/" + view.name(), chunk)) + compiled.select()));
            cleanup.add(dropExternal("drop-cetas-" + view.name(), ext));
        }
        cleanup.add(0, dropExternal("drop-cetas-raw", rawExt));
        cleanup.add(new SqlStatement(
                "drop-chunk-view",
                "IF OBJECT_ID(" + literal(chunkView, "view") + ", N'V') IS NOT NULL DROP VIEW " + chunkView));
        SqlStatement rejected = new SqlStatement(
                "rejected-count", "SELECT COUNT_BIG(*) FROM " + lines + " AS s WHERE " + ChunkRowsSql.rejected(type));
        SqlStatement rejectedLines = new SqlStatement(
                "rejected-lines",
                "SELECT s." + quote("line", "column") + " FROM " + lines + " AS s WHERE "
                        + ChunkRowsSql.rejected(type));
        return new LoadPlan(null, stage, rejected, rejectedLines, List.of(), cleanup);
    }

    /**
     * The compiled view over {@code source} (a chunk view with columns id, version_id,
     * last_updated, resource), with the version columns the folder views rank by.
     */
    private CompiledView compile(ViewDefinition view, String chunkViewName, String chunkId) {
        String r = ViewCompiler.ROW_ALIAS + ".";
        return new ViewCompiler(new TSqlDialect(), layout.controlSchema() + "." + chunkViewName, "resource")
                .compile(
                        view,
                        List.of(
                                r + quote("id", "column") + " AS " + quote(WarehouseLayout.RESOURCE_KEY, "column"),
                                r + quote("version_id", "column") + " AS " + quote("_version_id", "column"),
                                r + quote("last_updated", "column") + " AS " + quote("_last_updated", "column"),
                                literal(chunkId, "chunk id") + " AS " + quote("_chunk", "column")),
                        null);
    }

    /**
     * A view over every chunk folder of one table keeping the latest version per id: DENSE_RANK
     * keeps all rows of that version (a forEach view has several), and the chunk id breaks ties
     * when the same version was loaded by two chunks.
     */
    private SqlStatement latestView(
            String name,
            String view,
            String folder,
            List<ParquetColumn> columns,
            List<ParquetColumn> rankColumns,
            String idColumn,
            boolean typed,
            String resourceType) {
        String version = typed ? "_version_id" : "version_id";
        String updated = typed ? "_last_updated" : "last_updated";
        String chunk = typed ? "_chunk" : "chunk";
        List<String> select = new ArrayList<>();
        List<String> schema = new ArrayList<>();
        for (ParquetColumn c : columns) {
            select.add("x." + quote(c.name(), "column"));
            schema.add(quote(c.name(), "column") + " " + c.sqlType());
        }
        for (ParquetColumn c : rankColumns) {
            schema.add(quote(c.name(), "column") + " " + c.sqlType());
        }
        String t = "t.";
        String xUpdated = "x." + quote(updated, "column");
        return new SqlStatement(
                name,
                "CREATE OR ALTER VIEW " + view + " AS SELECT "
                        + String.join(", ", select) + " FROM (SELECT t.*, DENSE_RANK() OVER (PARTITION BY "
                        + t + quote(idColumn, "column") + " ORDER BY " + t + quote(updated, "column")
                        + " DESC, TRY_CAST("
                        + t + quote(version, "column") + " AS DECIMAL(38, 0)) DESC, " + t + quote(version, "column")
                        + " DESC, " + t + quote(chunk, "column") + " DESC) AS " + quote("_rank", "column")
                        + " FROM OPENROWSET(BULK " + optionLiteral(curatedRoot + "/" + folder + "/**", "folder")
                        + ", DATA_SOURCE = " + optionLiteral(DATA_SOURCE, "data source")
                        + ", FORMAT = 'PARQUET') WITH (" + String.join(", ", schema) + ") AS t) AS x WHERE x."
                        + quote("_rank", "column") + " = 1"
                        // a tombstone hides every version last updated at or before it (an undated one too)
                        + " AND NOT EXISTS (SELECT 1 FROM OPENROWSET(BULK "
                        + optionLiteral(curatedRoot + "/deleted/" + resourceType + "/**", "folder")
                        + ", DATA_SOURCE = " + optionLiteral(DATA_SOURCE, "data source")
                        + ", FORMAT = 'PARQUET') WITH ("
                        + quote("id", "column") + " " + text(64) + ", " + quote("deleted_at", "column")
                        + " DATETIME2(6)) AS d WHERE d." + quote("id", "column") + " = x." + quote(idColumn, "column")
                        + " AND (" + xUpdated + " IS NULL OR " + xUpdated + " <= d." + quote("deleted_at", "column")
                        + "))");
    }

    private String cetas(String externalTable, String folder) {
        return "CREATE EXTERNAL TABLE " + externalTable + " WITH (LOCATION = "
                + optionLiteral(folder, "folder") + ", DATA_SOURCE = " + quote(DATA_SOURCE, "data source")
                + ", FILE_FORMAT = " + quote(FILE_FORMAT, "file format") + ") AS ";
    }

    private String seedFolder(String resourceType) {
        return StorageLocations.path(curatedRoot + "/deleted/" + resourceType + "/_seed") + "/";
    }

    private String folder(String sub, ChunkToLoad chunk) {
        return StorageLocations.path(curatedRoot + "/" + sub + "/" + chunk.key()) + "/";
    }

    private SqlStatement dropExternal(String name, String table) {
        // external tables are type 'ET' in sys.objects, so OBJECT_ID is called without a type
        return new SqlStatement(
                name, "IF OBJECT_ID(" + literal(table, "table") + ") IS NOT NULL" + " DROP EXTERNAL TABLE " + table);
    }
}
