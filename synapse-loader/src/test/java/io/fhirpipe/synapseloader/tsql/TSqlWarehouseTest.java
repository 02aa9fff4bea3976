package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.ndjson.LineRejection;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.FailureKind;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.sqlonfhir.defaults.ViewCatalog;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.chunk.ChunkFailure;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.lines.Deletion;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.load.LoadReport;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TSqlWarehouse behind the loader, on a recording JDBC layer (no Synapse or Fabric here): the
 * setup plan runs once at start-up, each chunk runs exactly the plan the statement builders emit
 * (whose text the golden tests pin) with the chunk's blob URL, and driver errors become the
 * loader's transient or permanent failures.
 */
class TSqlWarehouseTest {

    static final String ACCOUNT = "https://fhirlake.blob.core.windows.net";
    static final String SAS = "sv=2024-01-01&sig=SECRETSIG";
    static final List<ViewDefinition> PATIENT_VIEWS = ViewCatalog.withDefaults().views().stream()
            .filter(v -> v.resource().equals("Patient"))
            .toList();
    static final String P = "{\"resourceType\":\"Patient\",\"id\":\"%s\",\"meta\":{\"versionId\":\"1\","
            + "\"lastUpdated\":\"2024-01-01T00:00:00Z\"}}";
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    final RecordingJdbc jdbc = new RecordingJdbc().answer(RecordingJdbcAnswers.noLedgerRows());
    final List<String> deletedFolders = new ArrayList<>();
    final List<LineRejection> rejected = new ArrayList<>();

    TSqlWarehouse open(WarehouseKind kind, StorageCredential credential) {
        return TSqlWarehouse.open(
                kind,
                WarehouseLayout.defaults(),
                credential,
                ACCOUNT + "/",
                PATIENT_VIEWS,
                List.of(),
                jdbc,
                new RecordingStorage(deletedFolders, path -> false));
    }

    ChunkLoader loader(Warehouse warehouse, LocalChunks chunks) {
        return new ChunkLoader(
                warehouse,
                chunks,
                (ChunkRef c, List<LineRejection> r) -> rejected.addAll(r),
                Optional.empty(),
                Optional.empty(),
                dir,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static List<String> sql(List<SqlStatement> statements) {
        return statements.stream().map(SqlStatement::sql).toList();
    }

    /** What TSqlPlanRunner executes for a plan whose rejected count is 0. */
    static List<String> runOf(LoadPlan plan) {
        List<String> out = new ArrayList<>();
        out.add(plan.ledgerCheck().sql());
        out.addAll(sql(plan.stage()));
        if (plan.rejectedCount() != null) {
            out.add(plan.rejectedCount().sql());
        }
        out.add("BEGIN TRANSACTION");
        out.addAll(sql(plan.transaction()));
        out.add("COMMIT TRANSACTION");
        out.addAll(sql(plan.cleanup()));
        return out;
    }

    static final String LEDGER_QUERY_PREFIX = "SELECT [rows_loaded], [rows_rejected], [loaded_at]"
            + " FROM [fhirpipe].[chunk_ledger] WHERE [chunk_id] = N'";

    @Test
    void dedicatedRunsTheSetupOnceThenTheCopyIntoPlanOfTheChunkBlob() {
        StorageCredential mi = new StorageCredential.ManagedIdentity();
        CopyIntoStatements statements =
                new CopyIntoStatements(WarehouseKind.SYNAPSE_DEDICATED, WarehouseLayout.defaults(), mi);
        try (TSqlWarehouse warehouse = open(WarehouseKind.SYNAPSE_DEDICATED, mi)) {
            assertThat(jdbc.statements)
                    .containsExactlyElementsOf(sql(statements.setup(PATIENT_VIEWS, List.of("Patient"))));
            int afterSetup = jdbc.statements.size();

            LocalChunks chunks = new LocalChunks(dir);
            ChunkReady event =
                    chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a"), P.formatted("b")));
            LoadReport report = loader(warehouse, chunks).load(event);

            String chunkId = chunkIdOf(event);
            String url = ACCOUNT + "/chunks/e1/Patient-0/0x1/000000.ndjson";
            LoadPlan plan = statements.chunk(new ChunkToLoad(chunkId, "Patient", "e1", url), PATIENT_VIEWS);
            List<String> expected = new ArrayList<>();
            expected.add(ledgerQuery(chunkId)); // the loader's check before fetching
            expected.add(ledgerQuery(chunkId)); // and again under the lock
            expected.addAll(runOf(plan));
            assertThat(jdbc.since(afterSetup)).containsExactlyElementsOf(expected);
            assertThat(plan.stage().get(2).sql())
                    .contains("FROM '" + url + "'", "CREDENTIAL = (IDENTITY = 'Managed Identity')");
            assertThat(report).isEqualTo(new LoadReport(chunkId, 2, 0, Warehouse.APPLIED_UNKNOWN, NOW, false));
            assertThat(jdbc.opened).isEqualTo(1);
        }
    }

    @Test
    void aChunkInTheLedgerIsAcknowledgedWithTheLedgerFiguresAndNoPlanRuns() {
        try (TSqlWarehouse warehouse = open(WarehouseKind.SYNAPSE_DEDICATED, new StorageCredential.ManagedIdentity())) {
            LocalChunks chunks = new LocalChunks(dir);
            ChunkReady event = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a")));
            jdbc.answer(sql -> sql.startsWith(LEDGER_QUERY_PREFIX)
                    ? List.<Object[]>of(new Object[] {7L, 1L, LocalDateTime.of(2025, 5, 1, 12, 0)})
                    : List.<Object[]>of(new Object[] {0L}));
            int before = jdbc.statements.size();
            LoadReport report = loader(warehouse, chunks).load(event);
            assertThat(report)
                    .isEqualTo(new LoadReport(chunkIdOf(event), 7, 1, 0, Instant.parse("2025-05-01T12:00:00Z"), true));
            assertThat(jdbc.since(before)).containsExactly(ledgerQuery(chunkIdOf(event)));
        }
    }

    @Test
    void fabricCopiesAsTheCallerWithItsOwnTableSyntax() {
        StorageCredential caller = new StorageCredential.CallerIdentity();
        CopyIntoStatements statements =
                new CopyIntoStatements(WarehouseKind.FABRIC_WAREHOUSE, WarehouseLayout.defaults(), caller);
        try (TSqlWarehouse warehouse = open(WarehouseKind.FABRIC_WAREHOUSE, caller)) {
            assertThat(warehouse.kind()).isEqualTo(WarehouseKind.FABRIC_WAREHOUSE);
            assertThat(jdbc.statements)
                    .containsExactlyElementsOf(sql(statements.setup(PATIENT_VIEWS, List.of("Patient"))));
            assertThat(String.join("\n", jdbc.statements)).doesNotContain("DISTRIBUTION", "NVARCHAR");
            int afterSetup = jdbc.statements.size();
            LocalChunks chunks = new LocalChunks(dir);
            ChunkReady event = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a")));
            loader(warehouse, chunks).load(event);
            String url = ACCOUNT + "/chunks/e1/Patient-0/0x1/000000.ndjson";
            LoadPlan plan = statements.chunk(new ChunkToLoad(chunkIdOf(event), "Patient", "e1", url), PATIENT_VIEWS);
            assertThat(jdbc.since(afterSetup).subList(2, jdbc.since(afterSetup).size()))
                    .containsExactlyElementsOf(runOf(plan));
            assertThat(plan.stage().get(2).sql()).contains("FROM '" + url + "'").doesNotContain("CREDENTIAL");
        }
    }

    @Test
    void serverlessEmptiesTheChunkFoldersThenRunsTheCetasPlanWithoutALedger() {
        StorageCredential mi = new StorageCredential.ManagedIdentity();
        ServerlessStatements statements = new ServerlessStatements(WarehouseLayout.defaults(), mi, ACCOUNT, "curated");
        try (TSqlWarehouse warehouse = open(WarehouseKind.SYNAPSE_SERVERLESS, mi)) {
            assertThat(jdbc.statements)
                    .containsExactlyElementsOf(sql(statements.setup(PATIENT_VIEWS, List.of("Patient"))));
            assertThat(jdbc.statements)
                    .anySatisfy(s -> assertThat(s)
                            .contains(
                                    "CREATE EXTERNAL DATA SOURCE [fhirpipe_lake] WITH (LOCATION = '" + ACCOUNT + "'"));
            int afterSetup = jdbc.statements.size();
            LocalChunks chunks = new LocalChunks(dir);
            ChunkReady event = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a")));
            LoadReport report = loader(warehouse, chunks).load(event);

            ChunkToLoad toLoad =
                    new ChunkToLoad(chunkIdOf(event), "Patient", "e1", "chunks/e1/Patient-0/0x1/000000.ndjson");
            LoadPlan plan = statements.chunk(toLoad, PATIENT_VIEWS);
            List<String> expected = new ArrayList<>(sql(plan.stage()));
            expected.add(plan.rejectedCount().sql());
            expected.addAll(sql(plan.cleanup()));
            // no ledger query: serverless keeps none, its load is idempotent
            assertThat(jdbc.since(afterSetup)).containsExactlyElementsOf(expected);
            List<String> expectedFolders = new ArrayList<>(statements.seedFolders(List.of("Patient")));
            expectedFolders.addAll(statements.chunkFolders(toLoad, PATIENT_VIEWS));
            assertThat(deletedFolders).containsExactlyElementsOf(expectedFolders);
            assertThat(deletedFolders.get(1)).startsWith("curated/raw/Patient/c");
            assertThat(report.alreadyLoaded()).isFalse();
        }
    }

    /** A seed tombstone that exists is left alone: another loader's views must not see it vanish. */
    @Test
    void serverlessWritesOnlyTheSeedTombstonesThatAreMissing() {
        StorageCredential mi = new StorageCredential.ManagedIdentity();
        ServerlessStatements statements = new ServerlessStatements(WarehouseLayout.defaults(), mi, ACCOUNT, "curated");
        StorageFolders seeded =
                new RecordingStorage(deletedFolders, path -> path.equals("curated/deleted/Patient/_seed/"));
        try (TSqlWarehouse warehouse = TSqlWarehouse.open(
                WarehouseKind.SYNAPSE_SERVERLESS,
                WarehouseLayout.defaults(),
                mi,
                ACCOUNT + "/",
                PATIENT_VIEWS,
                List.of("Observation"),
                jdbc,
                seeded)) {
            assertThat(jdbc.statements)
                    .containsExactlyElementsOf(sql(statements.setup(
                            PATIENT_VIEWS, List.of("Patient", "Observation"), List.of("Observation"))));
            assertThat(jdbc.statements)
                    .noneMatch(s -> s.contains("tombstone_seed_Patient"))
                    .anyMatch(s -> s.contains("tombstone_seed_Observation"));
            assertThat(deletedFolders).containsExactly("curated/deleted/Observation/_seed/");
        }
    }

    @Test
    void serverlessWritesTombstonesIntoAFreshFolderPerAttempt() {
        StorageCredential mi = new StorageCredential.ManagedIdentity();
        ServerlessStatements statements = new ServerlessStatements(WarehouseLayout.defaults(), mi, ACCOUNT, "curated");
        try (TSqlWarehouse warehouse =
                open(WarehouseKind.SYNAPSE_SERVERLESS, mi).withAttemptIds(() -> "t1")) {
            int before = jdbc.statements.size();
            deletedFolders.clear();
            ChunkRef chunk = deletedChunk();
            Instant at = Instant.parse("2025-02-03T04:05:06Z");
            locked(
                    warehouse,
                    () -> warehouse.applyDeletes(
                            chunk, List.of(new Deletion("a", at), new Deletion("b", at)), 1, 0, NOW));
            LoadPlan plan = statements.deletions(
                    chunk.chunkId(),
                    "Patient",
                    chunk.exportId(),
                    List.of(new ResourceDeletion("a", at), new ResourceDeletion("b", at)),
                    "t1");
            List<String> expected = new ArrayList<>(sql(plan.stage()));
            expected.addAll(sql(plan.cleanup()));
            assertThat(jdbc.since(before)).containsExactlyElementsOf(expected);
            // nothing deleted first: the views never miss a tombstone while it is written again
            assertThat(deletedFolders).isEmpty();
            assertThat(expected.get(1))
                    .contains("LOCATION = '"
                            + statements.deletionFolder(
                                    new ChunkToLoad(chunk.chunkId(), "Patient", chunk.exportId(), "-"))
                            + "t1/1/'");
            assertThat(expected.get(1)).contains("N'a'", "N'b'", "N'2025-02-03T04:05:06Z'");
        }
    }

    @Test
    void dedicatedAppliesDeletionsWithTheDeletionPlan() {
        StorageCredential mi = new StorageCredential.ManagedIdentity();
        CopyIntoStatements statements =
                new CopyIntoStatements(WarehouseKind.SYNAPSE_DEDICATED, WarehouseLayout.defaults(), mi);
        try (TSqlWarehouse warehouse = open(WarehouseKind.SYNAPSE_DEDICATED, mi)) {
            int before = jdbc.statements.size();
            ChunkRef chunk = deletedChunk();
            Instant at = Instant.parse("2025-02-03T04:05:06Z");
            locked(
                    warehouse,
                    () -> warehouse.applyDeletes(
                            chunk, List.of(new Deletion("a", at), new Deletion("b", at)), 2, 0, NOW));
            LoadPlan plan = statements.deletions(
                    chunk.chunkId(),
                    "Patient",
                    "e1",
                    List.of(new ResourceDeletion("a", at), new ResourceDeletion("b", at)),
                    PATIENT_VIEWS);
            List<String> expected = new ArrayList<>();
            expected.add(plan.ledgerCheck().sql());
            expected.addAll(sql(plan.stage()));
            expected.add("BEGIN TRANSACTION");
            expected.addAll(sql(plan.transaction()));
            expected.add("COMMIT TRANSACTION");
            expected.addAll(sql(plan.cleanup()));
            assertThat(jdbc.since(before)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aTransientSqlErrorIsATransientFailureAndTheNextAttemptReconnects() {
        try (TSqlWarehouse warehouse = open(WarehouseKind.SYNAPSE_DEDICATED, new StorageCredential.ManagedIdentity())) {
            LocalChunks chunks = new LocalChunks(dir);
            ChunkReady event = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a")));
            jdbc.failOn(
                    s -> s.startsWith("COPY INTO"),
                    new SQLException(
                            "Resource ID : 1. The request limit for the database is 400 and has been reached.",
                            "S0001",
                            40501),
                    1);
            assertThatThrownBy(() -> loader(warehouse, chunks).load(event))
                    .isInstanceOf(TransientFailure.class)
                    .hasMessageContaining("transient SQL error 40501")
                    .satisfies(e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT));
            assertThat(jdbc.closed).isEqualTo(1); // the connection was dropped

            // the redelivery opens a new connection and loads
            LoadReport report = loader(warehouse, chunks).load(event);
            assertThat(report.alreadyLoaded()).isFalse();
            assertThat(jdbc.opened).isEqualTo(2);
        }
    }

    @Test
    void aSyntaxErrorIsPermanentWithTheErrorNumberAndNoSecret() {
        try (TSqlWarehouse warehouse =
                open(WarehouseKind.SYNAPSE_DEDICATED, new StorageCredential.SharedAccessSignature(SAS))) {
            LocalChunks chunks = new LocalChunks(dir);
            ChunkReady event = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a")));
            jdbc.failOn(
                    s -> s.startsWith("COPY INTO"),
                    new SQLException("Incorrect syntax near 'sig=SECRETSIG'.", "S0001", 102),
                    1);
            assertThatThrownBy(() -> loader(warehouse, chunks).load(event))
                    .isInstanceOfSatisfying(ChunkFailure.class, f -> {
                        assertThat(f.reason()).isEqualTo("WarehouseSqlError102");
                        assertThat(FailureClassifier.classify(f)).isEqualTo(FailureKind.PERMANENT);
                        assertThat(f.getMessage())
                                .contains("statement 'copy-into'", "SQL error 102")
                                .doesNotContain("SECRETSIG");
                    });
            assertThat(jdbc.closed).isZero();
        }
    }

    @Test
    void aWarehouseThatCannotBeReachedMidRunIsTransient() {
        try (TSqlWarehouse warehouse = open(WarehouseKind.SYNAPSE_DEDICATED, new StorageCredential.ManagedIdentity())) {
            LocalChunks chunks = new LocalChunks(dir);
            ChunkReady event = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a")));
            // a lost connection (transient: the connection is dropped), then the login is refused
            jdbc.failOn(s -> s.startsWith("SELECT [rows_loaded]"), new SQLException("Connection reset", "08S01", 0), 1);
            assertThatThrownBy(() -> loader(warehouse, chunks).load(event)).isInstanceOf(TransientFailure.class);
            jdbc.refuseOpen = new SQLException("Login failed for user 'loader'.", "S0001", 18456);
            // a refused login is not the chunk's fault: redelivered, not dead-lettered at once
            assertThatThrownBy(() -> loader(warehouse, chunks).load(event))
                    .isInstanceOf(TransientFailure.class)
                    .hasMessageContaining("Login failed");
        }
    }

    @Test
    void aWarehouseThatCannotBeReachedAtStartUpStopsStartUp() {
        jdbc.refuseOpen = new SQLException("Login failed for user 'loader'.", "S0001", 18456);
        assertThatThrownBy(() -> open(WarehouseKind.SYNAPSE_DEDICATED, new StorageCredential.ManagedIdentity()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setting up the synapse-dedicated warehouse failed")
                .hasMessageContaining("Login failed");
    }

    @Test
    void aSetupErrorStopsStartUpNamingTheStatement() {
        jdbc.failOn(
                s -> s.contains("CREATE TABLE [fhirpipe].[chunk_ledger]"),
                new SQLException("CREATE TABLE permission denied", "S0001", 262),
                1);
        assertThatThrownBy(() -> open(WarehouseKind.SYNAPSE_DEDICATED, new StorageCredential.ManagedIdentity()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("statement 'create-ledger' failed")
                .hasMessageContaining("SQL error 262");
        assertThat(jdbc.closed).isEqualTo(1);
    }

    @Test
    void blobNamesArePercentEncodedIntoTheChunkUrl() {
        assertThat(TSqlWarehouse.encodePath("e1/Patient 0/\"0x8DC\"/000001.ndjson"))
                .isEqualTo("e1/Patient%200/%220x8DC%22/000001.ndjson");
    }

    private static ChunkRef deletedChunk() {
        ChunkReady event = new ChunkReady(
                "e1",
                "Patient",
                "e1/deleted/Patient.ndjson",
                "0x1",
                "e1/deleted/Patient/0x1/000000.ndjson",
                0,
                2,
                10,
                "0".repeat(64));
        return new ChunkRef(event, FileKind.DELETED, event.chunkBlob() + "@" + event.sha256());
    }

    private static String chunkIdOf(ChunkReady event) {
        return new io.fhirpipe.synapseloader.chunk.ChunkBlobPolicy()
                .check(event)
                .chunkId();
    }

    private static String ledgerQuery(String chunkId) {
        return LEDGER_QUERY_PREFIX + chunkId.replace("'", "''") + "'";
    }

    private static <T> T locked(Warehouse warehouse, Supplier<T> work) {
        warehouse.lock().lock();
        try {
            return work.get();
        } finally {
            warehouse.lock().unlock();
        }
    }
}
