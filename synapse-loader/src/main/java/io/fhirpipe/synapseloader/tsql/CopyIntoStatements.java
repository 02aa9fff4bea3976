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
 * Statements for the warehouses loaded with COPY INTO: a Synapse dedicated SQL pool and a Fabric
 * Warehouse. Per chunk:
 *
 * <ol>
 *   <li>stage (outside the transaction, each step idempotent because neither COPY INTO nor CTAS
 *       may run in a user transaction on a dedicated pool): drop and recreate a one-column staging
 *       table, COPY INTO it with the vertical-tab trick (FIELDTERMINATOR and FIELDQUOTE 0x0b,
 *       which valid JSON text can never contain raw, ROWTERMINATOR 0x0a so only LF ends a line),
 *       then drop and CTAS the chunk's rows: lines parsed with OPENJSON ... WITH, of the chunk's
 *       type with an id, newest version per id;</li>
 *   <li>in one transaction: delete raw rows older than the chunk's, insert the chunk's rows for
 *       ids with no same-or-newer raw row (the latest version wins whatever the arrival order),
 *       refresh the typed rows of the chunk's ids from raw with the compiled ViewDefinition SQL,
 *       and write the ledger row;</li>
 *   <li>drop the staging tables.</li>
 * </ol>
 *
 * <p>The statements avoid MERGE (restricted on dedicated pools) and ANSI-join DELETE (not
 * supported there): DELETE ... WHERE EXISTS and INSERT ... WHERE NOT EXISTS work on both. Fabric
 * differs in: no NVARCHAR (VARCHAR is UTF-8), DATETIME2 precision at most 6, no DISTRIBUTION /
 * HEAP table options, and COPY INTO takes no managed-identity credential (it runs as the
 * connection's Entra identity).
 *
 * <p>Values that must be literals (COPY INTO takes no parameters) are validated and escaped; the
 * other values are escaped literals too, because dedicated pools do not support every
 * prepared-statement path of the JDBC driver.
 */
final class CopyIntoStatements {

    private final WarehouseKind kind;
    private final WarehouseLayout layout;
    private final StorageCredential credential;
    private final boolean fabric;

    public CopyIntoStatements(WarehouseKind kind, WarehouseLayout layout, StorageCredential credential) {
        if (kind == WarehouseKind.SYNAPSE_SERVERLESS) {
            throw new IllegalArgumentException("serverless pools load with CETAS: use ServerlessStatements");
        }
        if (kind == WarehouseKind.FABRIC_WAREHOUSE && credential instanceof StorageCredential.ManagedIdentity) {
            throw new IllegalArgumentException("Fabric COPY INTO has no managed identity credential: use"
                    + " CallerIdentity (the connection's Entra identity) or a SAS");
        }
        this.kind = kind;
        this.layout = layout;
        this.credential = credential;
        this.fabric = kind == WarehouseKind.FABRIC_WAREHOUSE;
    }

    // ---- schema, created once at start-up (every statement is "create if missing") ----

    /** Schemas, the ledger, and the raw and typed tables of the given views' resource types. */
    public List<SqlStatement> setup(List<ViewDefinition> views, List<String> resourceTypes) {
        List<SqlStatement> out = new ArrayList<>();
        for (String schema : List.of(layout.rawSchema(), layout.typedSchema(), layout.controlSchema())) {
            // CREATE SCHEMA must be alone in its batch, hence EXEC; the name is a validated identifier
            out.add(new SqlStatement(
                    "create-schema-" + schema,
                    "IF SCHEMA_ID(" + literal(schema, "schema") + ") IS NULL EXEC(N'CREATE SCHEMA "
                            + quote(schema, "schema") + "')"));
        }
        out.add(createIfMissing(
                "create-ledger",
                ledger(),
                "("
                        + String.join(
                                ", ",
                                quote("chunk_id", "column") + " " + text(400) + " NOT NULL",
                                quote("resource_type", "column") + " " + text(64) + " NOT NULL",
                                quote("export_id", "column") + " " + text(400) + " NOT NULL",
                                quote("rows_loaded", "column") + " BIGINT NOT NULL",
                                quote("rows_rejected", "column") + " BIGINT NOT NULL",
                                quote("loaded_at", "column") + " DATETIME2(6) NOT NULL")
                        + ")",
                "DISTRIBUTION = ROUND_ROBIN, HEAP"));
        out.add(createIfMissing(
                "create-tombstones",
                tombstones(),
                "("
                        + String.join(
                                ", ",
                                quote("resource_type", "column") + " " + text(64) + " NOT NULL",
                                quote("id", "column") + " " + text(64) + " NOT NULL",
                                quote("deleted_at", "column") + " DATETIME2(6) NOT NULL",
                                quote("chunk", "column") + " " + text(400) + " NOT NULL")
                        + ")",
                "DISTRIBUTION = HASH(" + quote("id", "column") + "), HEAP"));
        for (String type : resourceTypes) {
            out.add(createIfMissing(
                    "create-raw-" + type,
                    raw(type),
                    "("
                            + String.join(
                                    ", ",
                                    quote("id", "column") + " " + text(64) + " NOT NULL",
                                    quote("version_id", "column") + " " + text(64) + " NULL",
                                    quote("last_updated", "column") + " DATETIME2(6) NULL",
                                    quote("export_id", "column") + " " + text(400) + " NOT NULL",
                                    quote("chunk", "column") + " " + text(400) + " NOT NULL",
                                    quote("resource", "column") + " " + text(-1) + " NOT NULL")
                            + ")",
                    "DISTRIBUTION = HASH(" + quote("id", "column") + "), HEAP"));
        }
        for (ViewDefinition view : views) {
            if (!resourceTypes.contains(view.resource())) {
                continue;
            }
            CompiledView compiled = compile(view, null);
            List<String> columns = new ArrayList<>();
            columns.add(quote(WarehouseLayout.RESOURCE_KEY, "column") + " " + text(64) + " NOT NULL");
            for (Column c : compiled.columnDefinitions()) {
                columns.add(quote(c.name(), "column") + " " + TypedColumns.sqlType(c, !fabric) + " NULL");
            }
            out.add(createIfMissing(
                    "create-typed-" + view.name(),
                    typed(view),
                    "(" + String.join(", ", columns) + ")",
                    "DISTRIBUTION = HASH(" + quote(WarehouseLayout.RESOURCE_KEY, "column") + "), HEAP"));
        }
        return out;
    }

    // ---- one chunk ----

    /** @param views the ViewDefinitions of the chunk's resource type */
    public LoadPlan chunk(ChunkToLoad chunk, List<ViewDefinition> views) {
        String type = chunk.resourceType();
        String lines = table(layout.controlSchema(), "stg_" + chunk.key() + "_lines");
        String rows = table(layout.controlSchema(), "stg_" + chunk.key() + "_rows");
        String raw = raw(type);
        String chunkLit = literal(chunk.chunkId(), "chunk id");

        SqlStatement ledgerCheck = new SqlStatement(
                "ledger-check",
                "SELECT COUNT_BIG(*) FROM " + ledger() + " WHERE " + quote("chunk_id", "column") + " = " + chunkLit);

        List<SqlStatement> stage = new ArrayList<>();
        stage.add(dropIfExists("drop-lines", lines));
        stage.add(new SqlStatement(
                "create-lines",
                "CREATE TABLE " + lines + " ("
                        + quote("line", "column") + " " + text(-1) + " NULL)"
                        + tableOptions("DISTRIBUTION = ROUND_ROBIN, HEAP")));
        stage.add(new SqlStatement(
                "copy-into",
                "COPY INTO " + lines + " (" + quote("line", "column")
                        + ") FROM " + optionLiteral(StorageLocations.url(chunk.location()), "chunk URL")
                        + " WITH (FILE_TYPE = 'CSV'" + credentialClause()
                        + ", FIELDQUOTE = '0x0b', FIELDTERMINATOR = '0x0b', ROWTERMINATOR = '0x0a'"
                        + ", ENCODING = 'UTF8', MAXERRORS = 0)",
                credential instanceof StorageCredential.SharedAccessSignature));
        stage.add(dropIfExists("drop-rows", rows));
        stage.add(new SqlStatement(
                "create-rows",
                "CREATE TABLE " + rows
                        + tableOptions("DISTRIBUTION = HASH(" + quote("id", "column") + "), HEAP")
                        + " AS " + ChunkRowsSql.latestRows(lines, type, fabric)));

        SqlStatement rejectedCount = new SqlStatement(
                "rejected-count", "SELECT COUNT_BIG(*) FROM " + lines + " AS s WHERE " + ChunkRowsSql.rejected(type));
        SqlStatement rejectedLines = new SqlStatement(
                "rejected-lines",
                "SELECT s." + quote("line", "column") + " FROM " + lines + " AS s WHERE "
                        + ChunkRowsSql.rejected(type));

        List<SqlStatement> tx = new ArrayList<>();
        String typeLit = literal(type, "type");
        String tomb = tombstones();
        // a version last updated at or before a recorded deletion stays deleted; a newer one (the id
        // was re-created) wins and clears the tombstone
        tx.add(new SqlStatement(
                "drop-deleted-versions",
                "DELETE FROM " + rows + " WHERE EXISTS"
                        + " (SELECT 1 FROM " + tomb + " AS t WHERE t." + quote("resource_type", "column") + " = "
                        + typeLit + " AND t." + quote("id", "column") + " = " + rows + "." + quote("id", "column")
                        + " AND (" + rows + "." + quote("last_updated", "column") + " IS NULL OR " + rows + "."
                        + quote("last_updated", "column") + " <= t." + quote("deleted_at", "column") + "))"));
        tx.add(new SqlStatement(
                "clear-tombstones",
                "DELETE FROM " + tomb + " WHERE "
                        + quote("resource_type", "column") + " = " + typeLit + " AND EXISTS (SELECT 1 FROM " + rows
                        + " AS c WHERE c." + quote("id", "column") + " = " + tomb + "." + quote("id", "column")
                        + ")"));
        tx.add(new SqlStatement(
                "delete-older-raw",
                "DELETE FROM " + raw + " WHERE EXISTS (SELECT 1 FROM "
                        + rows + " AS c WHERE c." + quote("id", "column") + " = " + raw + "." + quote("id", "column")
                        + " AND " + ChunkRowsSql.newer("c", raw) + ")"));
        tx.add(new SqlStatement(
                "insert-raw",
                "INSERT INTO " + raw + " ("
                        + String.join(
                                ", ",
                                quote("id", "column"),
                                quote("version_id", "column"),
                                quote("last_updated", "column"),
                                quote("export_id", "column"),
                                quote("chunk", "column"),
                                quote("resource", "column"))
                        + ") SELECT c." + quote("id", "column") + ", c." + quote("version_id", "column") + ", c."
                        + quote("last_updated", "column") + ", " + literal(chunk.exportId(), "export id") + ", "
                        + chunkLit + ", c." + quote("resource", "column") + " FROM " + rows
                        + " AS c WHERE NOT EXISTS (SELECT 1 FROM " + raw + " AS r WHERE r." + quote("id", "column")
                        + " = c." + quote("id", "column") + ")"));
        for (ViewDefinition view : views) {
            if (!view.resource().equals(type)) {
                throw new IllegalArgumentException("view " + view.name() + " is not over " + type);
            }
            // compiled first so a bad view fails naming view, column and expression
            CompiledView compiled = compile(
                    view,
                    "EXISTS (SELECT 1 FROM " + rows + " AS c WHERE c."
                            + quote("id", "column") + " = " + ViewCompiler.ROW_ALIAS + "." + quote("id", "column")
                            + ")");
            String typed = typed(view);
            tx.add(new SqlStatement(
                    "delete-typed-" + view.name(),
                    "DELETE FROM " + typed
                            + " WHERE EXISTS (SELECT 1 FROM " + rows + " AS c WHERE c." + quote("id", "column")
                            + " = " + typed + "." + quote(WarehouseLayout.RESOURCE_KEY, "column") + ")"));
            List<String> columns = new ArrayList<>();
            columns.add(quote(WarehouseLayout.RESOURCE_KEY, "column"));
            compiled.columns().forEach(c -> columns.add(quote(c, "column")));
            tx.add(new SqlStatement(
                    "insert-typed-" + view.name(),
                    "INSERT INTO " + typed + " (" + String.join(", ", columns) + ") " + compiled.select()));
        }
        tx.add(new SqlStatement(
                "insert-ledger",
                "INSERT INTO " + ledger() + " ("
                        + String.join(
                                ", ",
                                quote("chunk_id", "column"),
                                quote("resource_type", "column"),
                                quote("export_id", "column"),
                                quote("rows_loaded", "column"),
                                quote("rows_rejected", "column"),
                                quote("loaded_at", "column"))
                        + ") SELECT " + chunkLit + ", " + literal(type, "type") + ", "
                        + literal(chunk.exportId(), "export id") + ", (SELECT COUNT_BIG(*) FROM " + rows
                        + "), (SELECT COUNT_BIG(*) FROM " + lines + " AS s WHERE " + ChunkRowsSql.rejected(type)
                        + ")" + (chunk.rejectedBefore() > 0 ? " + " + chunk.rejectedBefore() : "")
                        + ", GETUTCDATE() WHERE NOT EXISTS (SELECT 1 FROM " + ledger() + " WHERE "
                        + quote("chunk_id", "column") + " = " + chunkLit + ")"));

        List<SqlStatement> cleanup = List.of(dropIfExists("drop-rows", rows), dropIfExists("drop-lines", lines));
        return new LoadPlan(ledgerCheck, stage, rejectedCount, rejectedLines, tx, cleanup);
    }

    /**
     * Applies a chunk of a {@code deleted[]} file (entries resolved by the caller, as for DuckDB):
     * the ids go into a staging table (batched INSERT ... SELECT ... UNION ALL, since dedicated
     * pools take one row per VALUES), then in one transaction raw rows last updated at or before
     * the deletion are removed with their typed rows, tombstones are recorded for what is deleted,
     * and the ledger row is written. A deletion older than a stored version changes nothing.
     */
    public LoadPlan deletions(
            String chunkId,
            String resourceType,
            String exportId,
            List<ResourceDeletion> deletions,
            List<ViewDefinition> views) {
        ChunkToLoad chunk = new ChunkToLoad(chunkId, resourceType, exportId, "-");
        String deletes = table(layout.controlSchema(), "stg_" + chunk.key() + "_deletes");
        String raw = raw(resourceType);
        String tomb = tombstones();
        String typeLit = literal(resourceType, "type");
        String chunkLit = literal(chunkId, "chunk id");
        String id = quote("id", "column");
        String at = quote("deleted_at", "column");

        List<SqlStatement> stage = new ArrayList<>();
        stage.add(dropIfExists("drop-deletes", deletes));
        stage.add(new SqlStatement(
                "create-deletes",
                "CREATE TABLE " + deletes + " (" + id + " "
                        + text(64) + " NOT NULL, " + at + " DATETIME2(6) NOT NULL)"
                        + tableOptions("DISTRIBUTION = HASH(" + id + "), HEAP")));
        for (int from = 0, batch = 1; from < deletions.size(); from += DELETE_BATCH, batch++) {
            List<String> selects = new ArrayList<>();
            for (ResourceDeletion d : deletions.subList(from, Math.min(deletions.size(), from + DELETE_BATCH))) {
                selects.add("SELECT " + literal(d.id(), "id") + ", CONVERT(DATETIME2(6), "
                        + literal(d.deletedAt().toString(), "instant") + ", 127)");
            }
            stage.add(new SqlStatement(
                    "insert-deletes-" + batch,
                    "INSERT INTO " + deletes + " (" + id + ", " + at + ") " + String.join(" UNION ALL ", selects)));
        }

        List<SqlStatement> tx = new ArrayList<>();
        tx.add(new SqlStatement(
                "delete-raw",
                "DELETE FROM " + raw + " WHERE EXISTS (SELECT 1 FROM "
                        + deletes + " AS d WHERE d." + id + " = " + raw + "." + id + " AND (" + raw + "."
                        + quote("last_updated", "column") + " IS NULL OR " + raw + "."
                        + quote("last_updated", "column") + " <= d." + at + "))"));
        for (ViewDefinition view : views) {
            String typed = typed(view);
            String key = quote(WarehouseLayout.RESOURCE_KEY, "column");
            tx.add(new SqlStatement(
                    "delete-typed-" + view.name(),
                    "DELETE FROM " + typed
                            + " WHERE EXISTS (SELECT 1 FROM " + deletes + " AS d WHERE d." + id + " = " + typed + "."
                            + key + ") AND NOT EXISTS (SELECT 1 FROM " + raw + " AS r WHERE r." + id + " = " + typed
                            + "." + key + ")"));
        }
        tx.add(new SqlStatement(
                "delete-older-tombstones",
                "DELETE FROM " + tomb + " WHERE "
                        + quote("resource_type", "column") + " = " + typeLit + " AND EXISTS (SELECT 1 FROM "
                        + deletes + " AS d WHERE d." + id + " = " + tomb + "." + id + " AND d." + at + " >= "
                        + tomb + "." + at + ")"));
        tx.add(new SqlStatement(
                "insert-tombstones",
                "INSERT INTO " + tomb + " ("
                        + quote("resource_type", "column") + ", " + id + ", " + at + ", " + quote("chunk", "column")
                        + ") SELECT " + typeLit + ", d." + id + ", MAX(d." + at + "), " + chunkLit + " FROM "
                        + deletes + " AS d WHERE NOT EXISTS (SELECT 1 FROM " + raw + " AS r WHERE r." + id
                        + " = d." + id + ") AND NOT EXISTS (SELECT 1 FROM " + tomb + " AS t WHERE t."
                        + quote("resource_type", "column") + " = " + typeLit + " AND t." + id + " = d." + id
                        + ") GROUP BY d." + id));
        tx.add(new SqlStatement(
                "insert-ledger",
                "INSERT INTO " + ledger() + " ("
                        + String.join(
                                ", ",
                                quote("chunk_id", "column"),
                                quote("resource_type", "column"),
                                quote("export_id", "column"),
                                quote("rows_loaded", "column"),
                                quote("rows_rejected", "column"),
                                quote("loaded_at", "column"))
                        + ") SELECT " + chunkLit + ", " + typeLit + ", "
                        + literal(exportId, "export id") + ", (SELECT COUNT_BIG(*) FROM " + deletes
                        + "), 0, GETUTCDATE() WHERE NOT EXISTS (SELECT 1 FROM " + ledger() + " WHERE "
                        + quote("chunk_id", "column") + " = " + chunkLit + ")"));
        SqlStatement ledgerCheck = new SqlStatement(
                "ledger-check",
                "SELECT COUNT_BIG(*) FROM " + ledger() + " WHERE " + quote("chunk_id", "column") + " = " + chunkLit);
        return new LoadPlan(ledgerCheck, stage, null, null, tx, List.of(dropIfExists("drop-deletes", deletes)));
    }

    /** Rows per INSERT of deletions: keeps statements well below batch size limits. */
    static final int DELETE_BATCH = 500;

    // ---- helpers ----

    private CompiledView compile(ViewDefinition view, String extraCondition) {
        ViewCompiler compiler =
                new ViewCompiler(new TSqlDialect(), layout.rawSchema() + "." + view.resource(), "resource");
        return compiler.compile(
                view,
                List.of(ViewCompiler.ROW_ALIAS + "." + quote("id", "column") + " AS "
                        + quote(WarehouseLayout.RESOURCE_KEY, "column")),
                extraCondition);
    }

    private String credentialClause() {
        if (credential instanceof StorageCredential.ManagedIdentity) {
            return ", CREDENTIAL = (IDENTITY = 'Managed Identity')";
        }
        if (credential instanceof StorageCredential.SharedAccessSignature sas) {
            return ", CREDENTIAL = (IDENTITY = 'Shared Access Signature', SECRET = "
                    + optionLiteral(sas.token(), "SAS token") + ")";
        }
        return "";
    }

    private SqlStatement createIfMissing(String name, String table, String columns, String dedicatedOptions) {
        return new SqlStatement(
                name,
                "IF OBJECT_ID(" + literal(table, "table") + ", N'U') IS NULL" + " CREATE TABLE " + table + " " + columns
                        + tableOptions(dedicatedOptions));
    }

    private SqlStatement dropIfExists(String name, String table) {
        // DROP TABLE IF EXISTS is not available on dedicated pools; OBJECT_ID works on both
        return new SqlStatement(
                name, "IF OBJECT_ID(" + literal(table, "table") + ", N'U') IS NOT NULL" + " DROP TABLE " + table);
    }

    private String tableOptions(String dedicatedOptions) {
        return fabric ? "" : " WITH (" + dedicatedOptions + ")";
    }

    /** Text type: Fabric has no NVARCHAR (its VARCHAR is UTF-8); {@code length < 0}: MAX. */
    private String text(int length) {
        String size = length < 0 ? "MAX" : Integer.toString(length);
        return (fabric ? "VARCHAR(" : "NVARCHAR(") + size + ")";
    }

    private String tombstones() {
        return table(layout.controlSchema(), "deleted_resources");
    }

    private String ledger() {
        return table(layout.controlSchema(), WarehouseLayout.LEDGER_TABLE);
    }

    private String raw(String type) {
        return table(layout.rawSchema(), type);
    }

    private String typed(ViewDefinition view) {
        return table(layout.typedSchema(), view.name());
    }

    public WarehouseKind kind() {
        return kind;
    }
}
