package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.ndjson.LineRejection;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.failure.TransientRetries;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.load.LoadReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real data on each T-SQL dialect: a resource line over 1,000,000 bytes (too long for COPY INTO on
 * a dedicated pool, for a Fabric CSV cell) is diverted to rejected/ while the chunk's other lines
 * load from the loader's screened copy, exactly once; a resource over 8 KB loads whole, because
 * every column that carries the JSON is a MAX type (serverless views included, whose Parquet
 * strings would otherwise be read as VARCHAR(8000)).
 */
class LargeLinesTest {

    static final String ACCOUNT = TSqlWarehouseTest.ACCOUNT;
    static final String CHUNK_BLOB = "e1/Patient-0/0x1/000000.ndjson";

    @TempDir
    Path dir;

    final RecordingJdbc jdbc = new RecordingJdbc().answer(RecordingJdbcAnswers.noLedgerRows());
    final List<LineRejection> rejected = new ArrayList<>();
    final RecordingStorage storage = new RecordingStorage();
    final Map<String, String> uploaded = storage.uploaded;
    final List<String> deletedFiles = storage.deletedFiles;

    static String patient(String id, int padding) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"1\","
                + "\"lastUpdated\":\"2024-01-01T00:00:00Z\"},\"text\":{\"status\":\"generated\",\"div\":\""
                + "x".repeat(padding) + "\"}}";
    }

    static StorageCredential credential(WarehouseKind kind) {
        return kind == WarehouseKind.FABRIC_WAREHOUSE
                ? new StorageCredential.CallerIdentity()
                : new StorageCredential.ManagedIdentity();
    }

    TSqlWarehouse open(WarehouseKind kind) {
        AtomicInteger attempt = new AtomicInteger();
        return TSqlWarehouse.open(
                        kind,
                        WarehouseLayout.defaults(),
                        credential(kind),
                        ACCOUNT,
                        TSqlWarehouseTest.PATIENT_VIEWS,
                        List.of(),
                        jdbc,
                        storage)
                .withAttemptIds(() -> "t" + attempt.incrementAndGet());
    }

    ChunkLoader loader(TSqlWarehouse warehouse, LocalChunks chunks) {
        return new ChunkLoader(
                warehouse,
                chunks,
                (ChunkRef c, List<LineRejection> r) -> rejected.addAll(r),
                Optional.empty(),
                Duration.ZERO,
                Optional.empty(),
                dir,
                Clock.fixed(TSqlWarehouseTest.NOW, ZoneOffset.UTC),
                new TransientRetries(3, new RetryBackoff(Duration.ofMillis(1), Duration.ofMillis(2))));
    }

    @ParameterizedTest
    @EnumSource(WarehouseKind.class)
    void aLineOverOneMillionBytesIsRejectedAndTheOthersLoadFromTheScreenedCopy(WarehouseKind kind) throws Exception {
        String huge = patient("huge", 1_000_001);
        String small = patient("a", 10);
        String big = patient("b", 20_000); // over 8 KB, well under the limit: loads
        try (TSqlWarehouse warehouse = open(kind)) {
            LocalChunks chunks = new LocalChunks(Files.createDirectories(dir.resolve("chunks")));
            ChunkReady event = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(small, huge, big));
            int afterSetup = jdbc.statements.size();

            LoadReport report = loader(warehouse, chunks).load(event);

            assertThat(report.rowsLoaded()).isEqualTo(2);
            assertThat(report.rowsRejected()).isEqualTo(1);
            assertThat(rejected).singleElement().satisfies(r -> {
                assertThat(r.lineNumber()).isEqualTo(2);
                assertThat(r.reason())
                        .contains("line of " + huge.getBytes(StandardCharsets.UTF_8).length
                                + " bytes is over the warehouse's limit of 1000000 bytes per line");
                assertThat(r.truncated()).isTrue();
            });
            // the warehouse read the screened copy (the accepted lines), not the chunk blob
            String copy = "chunks/e1/Patient-0/0x1/000000.screened-t1.ndjson";
            assertThat(uploaded).containsOnlyKeys(copy);
            assertThat(uploaded.get(copy)).isEqualTo(small + "\n" + big + "\n");
            String read = String.join("\n", jdbc.since(afterSetup));
            String from = kind == WarehouseKind.SYNAPSE_SERVERLESS ? "BULK '" : "FROM '" + ACCOUNT + "/";
            assertThat(read).contains(from + copy + "'").doesNotContain(from + "chunks/" + CHUNK_BLOB);
            if (kind != WarehouseKind.SYNAPSE_SERVERLESS) {
                // the ledger counts the diverted line with whatever the warehouse rejects itself
                assertThat(jdbc.since(afterSetup))
                        .filteredOn(s -> s.startsWith("INSERT INTO [fhirpipe].[chunk_ledger]"))
                        .singleElement()
                        .asString()
                        .contains("[line] IS NOT NULL AND", ") + 1, GETUTCDATE()");
                assertThat(jdbc.since(afterSetup))
                        .filteredOn("COMMIT TRANSACTION"::equals)
                        .hasSize(1);
            }
            assertThat(deletedFiles).containsExactly(copy);
        }
    }

    @Test
    void aRedeliveryAfterATransientFailureLoadsTheOtherLinesOnceFromAFreshCopy() {
        String huge = patient("huge", 1_000_001);
        try (TSqlWarehouse warehouse = open(WarehouseKind.SYNAPSE_DEDICATED)) {
            LocalChunks chunks = new LocalChunks(dir);
            ChunkReady event = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(patient("a", 10), huge));
            jdbc.failOn(s -> s.startsWith("COPY INTO"), new SQLException("service busy", "S0001", 40501), 1);
            int afterSetup = jdbc.statements.size();

            LoadReport report = loader(warehouse, chunks).load(event);

            assertThat(report.rowsLoaded()).isEqualTo(1);
            assertThat(report.rowsRejected()).isEqualTo(1);
            assertThat(uploaded)
                    .containsOnlyKeys(
                            "chunks/e1/Patient-0/0x1/000000.screened-t1.ndjson",
                            "chunks/e1/Patient-0/0x1/000000.screened-t2.ndjson");
            assertThat(deletedFiles).containsExactlyElementsOf(uploaded.keySet());
            assertThat(jdbc.since(afterSetup))
                    .filteredOn("COMMIT TRANSACTION"::equals)
                    .hasSize(1);

            // the broker delivers it once more: the ledger answers, nothing is read or written again
            jdbc.answer(sql -> sql.startsWith(TSqlWarehouseTest.LEDGER_QUERY_PREFIX)
                    ? List.<Object[]>of(new Object[] {1L, 1L, LocalDateTime.of(2026, 1, 1, 0, 0)})
                    : List.<Object[]>of(new Object[] {0L}));
            LoadReport again = loader(warehouse, chunks).load(event);
            assertThat(again.alreadyLoaded()).isTrue();
            assertThat(again.rowsRejected()).isEqualTo(1);
            assertThat(uploaded).hasSize(2);
        }
    }

    @Test
    void aChunkWithNothingRejectedIsReadFromItsOwnBlob() {
        try (TSqlWarehouse warehouse = open(WarehouseKind.FABRIC_WAREHOUSE)) {
            LocalChunks chunks = new LocalChunks(dir);
            ChunkReady event = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(patient("a", 20_000)));
            LoadReport report = loader(warehouse, chunks).load(event);
            assertThat(report.rowsLoaded()).isEqualTo(1);
            assertThat(report.rowsRejected()).isZero();
            assertThat(uploaded).isEmpty();
            assertThat(String.join("\n", jdbc.statements)).contains("FROM '" + ACCOUNT + "/chunks/" + CHUNK_BLOB + "'");
        }
    }

    private static final Pattern DECLARED = Pattern.compile("\\[(line|resource)\\] (N?VARCHAR\\(([A-Z0-9]+)\\))");

    /** Every declaration of a column holding a chunk line or a resource's JSON, in order. */
    private static List<String> jsonColumnTypes(List<SqlStatement> statements) {
        List<String> types = new ArrayList<>();
        for (SqlStatement s : statements) {
            Matcher m = DECLARED.matcher(s.sql());
            while (m.find()) {
                types.add(m.group(2));
            }
        }
        return types;
    }

    @ParameterizedTest
    @EnumSource(WarehouseKind.class)
    void everyColumnCarryingTheJsonIsAMaxTypeSoResourcesOver8KbLoad(WarehouseKind kind) {
        List<SqlStatement> statements = new ArrayList<>();
        ChunkToLoad chunk;
        if (kind == WarehouseKind.SYNAPSE_SERVERLESS) {
            ServerlessStatements serverless =
                    new ServerlessStatements(WarehouseLayout.defaults(), credential(kind), ACCOUNT, "curated");
            chunk = new ChunkToLoad("c1", "Patient", "e1", "chunks/" + CHUNK_BLOB);
            statements.addAll(serverless.setup(TSqlWarehouseTest.PATIENT_VIEWS, List.of("Patient")));
            statements.addAll(
                    serverless.chunk(chunk, TSqlWarehouseTest.PATIENT_VIEWS).all());
            // the raw view reads the Parquet it wrote with a declared schema, not VARCHAR(8000) inference
            assertThat(statements)
                    .filteredOn(s -> s.name().equals("create-raw-view-Patient"))
                    .singleElement()
                    .satisfies(s -> assertThat(jsonColumnTypes(List.of(s))).containsExactly("VARCHAR(MAX)"));
            assertThat(statements).noneSatisfy(s -> assertThat(s.sql()).contains("VARCHAR(8000)"));
        } else {
            CopyIntoStatements copy = new CopyIntoStatements(kind, WarehouseLayout.defaults(), credential(kind));
            chunk = new ChunkToLoad("c1", "Patient", "e1", ACCOUNT + "/chunks/" + CHUNK_BLOB);
            statements.addAll(copy.setup(TSqlWarehouseTest.PATIENT_VIEWS, List.of("Patient")));
            statements.addAll(copy.chunk(chunk, TSqlWarehouseTest.PATIENT_VIEWS).all());
        }
        assertThat(jsonColumnTypes(statements))
                .isNotEmpty()
                .allSatisfy(type -> assertThat(type).endsWith("(MAX)"));
    }
}
