package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.defaults.ViewCatalog;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every statement each T-SQL dialect emits, for the shipped Patient and Observation views, equals
 * its golden file (one file per statement, numbered in execution order), and the statement
 * sequence itself has the documented shape.
 */
class TSqlStatementsGoldenTest {

    static final List<ViewDefinition> VIEWS = ViewCatalog.withDefaults().views();
    static final List<ViewDefinition> PATIENT_VIEWS =
            VIEWS.stream().filter(v -> v.resource().equals("Patient")).toList();
    static final List<String> TYPES = List.of("Patient", "Observation");

    static final ChunkToLoad BLOB_CHUNK = new ChunkToLoad(
            "export-42/Patient-0001.ndjson",
            "Patient",
            "export-42",
            "https://fhirlake.blob.core.windows.net/bulk/export-42/Patient-0001.ndjson");
    static final ChunkToLoad LAKE_CHUNK = new ChunkToLoad(
            "export-42/Patient-0001.ndjson", "Patient", "export-42", "bulk/export-42/Patient-0001.ndjson");

    private static void assertAll(String dir, List<SqlStatement> statements) throws Exception {
        int i = 1;
        for (SqlStatement s : statements) {
            TSqlGolden.assertMatches(dir + "/" + String.format("%02d", i++) + "-" + s.name() + ".sql", s.sql());
        }
    }

    private static List<String> names(List<SqlStatement> statements) {
        return statements.stream().map(SqlStatement::name).toList();
    }

    @Test
    void synapseDedicatedWithManagedIdentity() throws Exception {
        CopyIntoStatements dedicated = new CopyIntoStatements(
                WarehouseKind.SYNAPSE_DEDICATED, WarehouseLayout.defaults(), new StorageCredential.ManagedIdentity());
        List<SqlStatement> setup = dedicated.setup(VIEWS, TYPES);
        assertAll("synapse-dedicated/setup", setup);
        assertThat(names(setup))
                .containsExactly(
                        "create-schema-raw",
                        "create-schema-dbo",
                        "create-schema-fhirpipe",
                        "create-ledger",
                        "create-tombstones",
                        "create-raw-Patient",
                        "create-raw-Observation",
                        "create-typed-patient",
                        "create-typed-observation",
                        "create-typed-observation_component");
        LoadPlan plan = dedicated.chunk(BLOB_CHUNK, PATIENT_VIEWS);
        assertAll("synapse-dedicated/chunk", plan.all());
        assertThat(names(plan.stage()))
                .containsExactly("drop-lines", "create-lines", "copy-into", "drop-rows", "create-rows");
        assertThat(names(plan.transaction()))
                .containsExactly(
                        "drop-deleted-versions",
                        "clear-tombstones",
                        "delete-older-raw",
                        "insert-raw",
                        "delete-typed-patient",
                        "insert-typed-patient",
                        "insert-ledger");
        assertThat(names(plan.cleanup())).containsExactly("drop-rows", "drop-lines");
        assertThat(plan.stage().get(2).sql())
                .contains(
                        "FROM 'https://fhirlake.blob.core.windows.net/bulk/export-42/Patient-0001.ndjson'",
                        "CREDENTIAL = (IDENTITY = 'Managed Identity')",
                        "FIELDTERMINATOR = '0x0b'",
                        "ROWTERMINATOR = '0x0a'");
    }

    @Test
    void synapseDedicatedWithSasKeepsTheSecretOutOfLogs() throws Exception {
        String sas = "sv=2022-11-02&ss=b&srt=o&sp=rl&se=2030-01-01T00:00:00Z&sig=FAKE%2Fsig%3D";
        CopyIntoStatements dedicated = new CopyIntoStatements(
                WarehouseKind.SYNAPSE_DEDICATED,
                WarehouseLayout.defaults(),
                new StorageCredential.SharedAccessSignature("?" + sas));
        SqlStatement copy = dedicated.chunk(BLOB_CHUNK, PATIENT_VIEWS).stage().get(2);
        TSqlGolden.assertMatches("synapse-dedicated/sas-copy-into.sql", copy.sql());
        assertThat(copy.sql()).contains("CREDENTIAL = (IDENTITY = 'Shared Access Signature', SECRET = '" + sas + "')");
        assertThat(copy.sensitive()).isTrue();
        assertThat(copy.toString()).doesNotContain("sig=").doesNotContain("FAKE");
        assertThat(copy.loggable()).doesNotContain("FAKE");
        assertThat(new StorageCredential.SharedAccessSignature(sas).toString()).doesNotContain("FAKE");
    }

    @Test
    void fabricWarehouse() throws Exception {
        CopyIntoStatements fabric = new CopyIntoStatements(
                WarehouseKind.FABRIC_WAREHOUSE, WarehouseLayout.defaults(), new StorageCredential.CallerIdentity());
        List<SqlStatement> setup = fabric.setup(VIEWS, TYPES);
        assertAll("fabric-warehouse/setup", setup);
        LoadPlan plan = fabric.chunk(BLOB_CHUNK, PATIENT_VIEWS);
        assertAll("fabric-warehouse/chunk", plan.all());
        // Fabric: UTF-8 VARCHAR, no distribution options, no CREDENTIAL clause for Entra passthrough
        for (SqlStatement s : setup) {
            assertThat(s.sql())
                    .doesNotContain("NVARCHAR(")
                    .doesNotContain("DISTRIBUTION")
                    .doesNotContain("HEAP");
        }
        assertThat(plan.stage().get(2).sql()).doesNotContain("CREDENTIAL");
    }

    @Test
    void synapseServerless() throws Exception {
        ServerlessStatements serverless = new ServerlessStatements(
                WarehouseLayout.defaults(),
                new StorageCredential.ManagedIdentity(),
                "https://fhirlake.dfs.core.windows.net/lake",
                "curated");
        List<SqlStatement> setup = serverless.setup(VIEWS, TYPES);
        assertAll("synapse-serverless/setup", setup);
        assertThat(names(setup))
                .containsExactly(
                        "check-database",
                        "set-utf8-collation",
                        "create-schema-raw",
                        "create-schema-dbo",
                        "create-schema-fhirpipe",
                        "create-master-key",
                        "create-credential",
                        "create-data-source",
                        "create-file-format",
                        "drop-tombstone-seed-Patient",
                        "cetas-tombstone-seed-Patient",
                        "drop-tombstone-seed-Patient",
                        "drop-tombstone-seed-Observation",
                        "cetas-tombstone-seed-Observation",
                        "drop-tombstone-seed-Observation",
                        "create-raw-view-Patient",
                        "create-raw-view-Observation",
                        "create-typed-view-patient",
                        "create-typed-view-observation",
                        "create-typed-view-observation_component");
        // start-up: a user database with a UTF-8 collation, and the master key before the credential
        assertThat(setup.get(0).sql()).startsWith("IF DB_NAME() = N'master' THROW");
        assertThat(setup.get(1).sql())
                .contains(
                        "DATABASEPROPERTYEX(DB_NAME(), 'Collation')",
                        "ALTER DATABASE CURRENT COLLATE Latin1_General_100_BIN2_UTF8");
        assertThat(setup.get(5).sql())
                .isEqualTo("IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys"
                        + " WHERE name = N'##MS_DatabaseMasterKey##') CREATE MASTER KEY");
        // every Parquet read names its columns: inference would make the JSON VARCHAR(8000)
        for (SqlStatement view :
                setup.stream().filter(s -> s.name().contains("-view-")).toList()) {
            assertThat(view.sql())
                    .contains("FORMAT = 'PARQUET') WITH (")
                    .doesNotContain("VARCHAR(8000)")
                    .doesNotContain("FORMAT = 'PARQUET') AS t");
        }
        assertThat(setup.stream()
                        .filter(s -> s.name().equals("create-raw-view-Patient"))
                        .findFirst()
                        .orElseThrow()
                        .sql())
                .contains(
                        "[resource] VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8", "[last_updated] DATETIME2(6)");
        assertThat(serverless.seedFolders(TYPES))
                .containsExactly("curated/deleted/Patient/_seed/", "curated/deleted/Observation/_seed/");
        // every view hides what a tombstone of its type outlives
        assertThat(setup.get(setup.size() - 2).sql())
                .contains("OPENROWSET(BULK 'curated/deleted/Observation/**'", "x.[_last_updated] <= d.[deleted_at]");
        LoadPlan plan = serverless.chunk(LAKE_CHUNK, PATIENT_VIEWS);
        assertAll("synapse-serverless/chunk", plan.all());
        assertThat(plan.ledgerCheck()).isNull();
        assertThat(plan.transaction()).isEmpty();
        String key = LAKE_CHUNK.key();
        assertThat(serverless.chunkFolders(LAKE_CHUNK, PATIENT_VIEWS))
                .containsExactly("curated/raw/Patient/" + key + "/", "curated/typed/patient/" + key + "/");
    }

    @Test
    void deletionsOnDedicatedAndFabric() throws Exception {
        List<ResourceDeletion> deletions = List.of(
                new ResourceDeletion("p1", java.time.Instant.parse("2024-03-01T10:00:00Z")),
                new ResourceDeletion("p2", java.time.Instant.parse("2024-03-02T11:30:00.123456Z")));
        for (WarehouseKind kind : List.of(WarehouseKind.SYNAPSE_DEDICATED, WarehouseKind.FABRIC_WAREHOUSE)) {
            CopyIntoStatements statements =
                    new CopyIntoStatements(kind, WarehouseLayout.defaults(), new StorageCredential.CallerIdentity());
            LoadPlan plan = statements.deletions(
                    "export-42/Patient-deleted-0001.ndjson", "Patient", "export-42", deletions, PATIENT_VIEWS);
            assertAll(kind.configName() + "/deletions", plan.all());
            assertThat(names(plan.transaction()))
                    .containsExactly(
                            "delete-raw",
                            "delete-typed-patient",
                            "delete-older-tombstones",
                            "insert-tombstones",
                            "insert-ledger");
        }
    }

    @Test
    void deletionsOnServerlessAreTombstoneFilesInBatches() throws Exception {
        ServerlessStatements serverless = new ServerlessStatements(
                WarehouseLayout.defaults(),
                new StorageCredential.ManagedIdentity(),
                "https://fhirlake.dfs.core.windows.net/lake",
                "curated");
        List<ResourceDeletion> deletions = List.of(
                new ResourceDeletion("p1", java.time.Instant.parse("2024-03-01T10:00:00Z")),
                new ResourceDeletion("p2", java.time.Instant.parse("2024-03-02T11:30:00.123456Z")));
        String chunkId = "export-42/Patient-deleted-0001.ndjson";
        LoadPlan plan = serverless.deletions(chunkId, "Patient", "export-42", deletions, "a1");
        assertAll("synapse-serverless/deletions", plan.all());
        assertThat(plan.ledgerCheck()).isNull();
        assertThat(plan.transaction()).isEmpty();
        assertThat(names(plan.stage())).containsExactly("drop-cetas-deleted-1", "cetas-deleted-1");
        String key = new ChunkToLoad(chunkId, "Patient", "export-42", "-").key();
        assertThat(serverless.deletionFolder(new ChunkToLoad(chunkId, "Patient", "export-42", "-")))
                .isEqualTo("curated/deleted/Patient/" + key + "/");
        assertThat(plan.stage().get(1).sql()).contains("LOCATION = 'curated/deleted/Patient/" + key + "/a1/1/'");

        List<ResourceDeletion> many = java.util.stream.IntStream.range(0, CopyIntoStatements.DELETE_BATCH + 1)
                .mapToObj(i -> new ResourceDeletion("p" + i, java.time.Instant.EPOCH))
                .toList();
        LoadPlan batches = serverless.deletions("d1", "Patient", "e1", many, "a2");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> serverless.deletions("d1", "Patient", "e1", many, "../x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(names(batches.stage()))
                .containsExactly("drop-cetas-deleted-1", "cetas-deleted-1", "drop-cetas-deleted-2", "cetas-deleted-2");
        assertThat(batches.stage().get(1).sql().split(" UNION ALL ")).hasSize(CopyIntoStatements.DELETE_BATCH);
        assertThat(batches.stage().get(3).sql()).contains("N'p500'", "/a2/2/'").doesNotContain("UNION ALL");
        assertThat(names(batches.cleanup())).containsExactly("drop-cetas-deleted-1", "drop-cetas-deleted-2");
    }

    @Test
    void deletionsAreInsertedInBatches() {
        CopyIntoStatements dedicated = new CopyIntoStatements(
                WarehouseKind.SYNAPSE_DEDICATED, WarehouseLayout.defaults(), new StorageCredential.ManagedIdentity());
        List<ResourceDeletion> many = java.util.stream.IntStream.range(0, CopyIntoStatements.DELETE_BATCH + 1)
                .mapToObj(i -> new ResourceDeletion("p" + i, java.time.Instant.EPOCH))
                .toList();
        LoadPlan plan = dedicated.deletions("d1", "Patient", "e1", many, PATIENT_VIEWS);
        assertThat(names(plan.stage()))
                .containsExactly("drop-deletes", "create-deletes", "insert-deletes-1", "insert-deletes-2");
        assertThat(plan.stage().get(2).sql().split(" UNION ALL ")).hasSize(CopyIntoStatements.DELETE_BATCH);
        assertThat(plan.stage().get(3).sql()).contains("N'p500'").doesNotContain("UNION ALL");
        assertThatThrownByNonFhirId();
    }

    private static void assertThatThrownByNonFhirId() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new ResourceDeletion("p1'; --", java.time.Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyShippedViewGetsATypedTableAndAChunkPlanInEveryDialect() {
        List<String> allTypes =
                VIEWS.stream().map(ViewDefinition::resource).distinct().toList();
        assertThat(allTypes).hasSize(13);
        CopyIntoStatements dedicated = new CopyIntoStatements(
                WarehouseKind.SYNAPSE_DEDICATED, WarehouseLayout.defaults(), new StorageCredential.ManagedIdentity());
        CopyIntoStatements fabric = new CopyIntoStatements(
                WarehouseKind.FABRIC_WAREHOUSE, WarehouseLayout.defaults(), new StorageCredential.CallerIdentity());
        ServerlessStatements serverless = new ServerlessStatements(
                WarehouseLayout.defaults(),
                new StorageCredential.CallerIdentity(),
                "https://a.dfs.core.windows.net/lake",
                "curated");
        for (CopyIntoStatements d : List.of(dedicated, fabric)) {
            assertThat(names(d.setup(VIEWS, allTypes)))
                    .filteredOn(n -> n.startsWith("create-typed-"))
                    .hasSize(VIEWS.size());
        }
        assertThat(names(serverless.setup(VIEWS, allTypes)))
                .filteredOn(n -> n.startsWith("create-typed-view-"))
                .hasSize(VIEWS.size());
        // caller identity: no credential object, so no master key either
        assertThat(names(serverless.setup(VIEWS, allTypes))).doesNotContain("create-credential", "create-master-key");
        for (String type : allTypes) {
            List<ViewDefinition> views =
                    VIEWS.stream().filter(v -> v.resource().equals(type)).toList();
            ChunkToLoad blob =
                    new ChunkToLoad("c-" + type, type, "e", "https://a.blob.core.windows.net/bulk/" + type + ".ndjson");
            assertThat(dedicated.chunk(blob, views).transaction()).hasSize(5 + 2 * views.size());
            assertThat(fabric.chunk(blob, views).transaction()).hasSize(5 + 2 * views.size());
            ChunkToLoad lake = new ChunkToLoad("c-" + type, type, "e", "bulk/" + type + ".ndjson");
            assertThat(serverless.chunk(lake, views).stage()).hasSize(3 + 2 * views.size());
        }
    }

    @Test
    void fabricRefusesAManagedIdentityCredentialAndServerlessRefusesCopyInto() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CopyIntoStatements(
                        WarehouseKind.FABRIC_WAREHOUSE,
                        WarehouseLayout.defaults(),
                        new StorageCredential.ManagedIdentity()))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CopyIntoStatements(
                        WarehouseKind.SYNAPSE_SERVERLESS,
                        WarehouseLayout.defaults(),
                        new StorageCredential.ManagedIdentity()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(WarehouseKind.fromConfig("fabric-warehouse")).isEqualTo(WarehouseKind.FABRIC_WAREHOUSE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WarehouseKind.fromConfig("duckdb"))
                .hasMessageContaining("synapse-dedicated");
    }

    @Test
    void chunkKeyIsStableAndIdentifierSafe() {
        assertThat(BLOB_CHUNK.key()).isEqualTo(LAKE_CHUNK.key()).matches("c[0-9a-f]{20}");
        assertThat(new ChunkToLoad("other", "Patient", "e", "x").key()).isNotEqualTo(BLOB_CHUNK.key());
    }
}
