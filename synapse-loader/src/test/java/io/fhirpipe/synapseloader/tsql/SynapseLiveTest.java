package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.identity.DefaultAzureCredentialBuilder;
import io.fhirpipe.sqlonfhir.defaults.ViewCatalog;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The COPY INTO dialects end to end against a real dedicated SQL pool, or a Fabric Warehouse with
 * FHIRPIPE_SYNAPSE_DIALECT=fabric-warehouse (the loader's own dialect names;
 * synapse-serverless is SynapseServerlessLiveTest). Runs only when
 * FHIRPIPE_SYNAPSE_JDBC_URL and FHIRPIPE_SYNAPSE_CHUNK_URL are set (credentials:
 * FHIRPIPE_SYNAPSE_USER / FHIRPIPE_SYNAPSE_PASSWORD, else Entra via DefaultAzureCredential;
 * storage: the pool's managed identity, or FHIRPIPE_SYNAPSE_SAS). The chunk must be an NDJSON
 * blob of Patient resources the pool can read. Tables go to schemas named with a per-run suffix
 * and are dropped at the end.
 *
 * <p>The second test goes through {@link TSqlWarehouse} (what the loader runs with
 * fhirpipe.loader.dialect=synapse-dedicated) and needs FHIRPIPE_SYNAPSE_JDBC_URL,
 * FHIRPIPE_SYNAPSE_STORAGE_URL (the account's blob endpoint) and FHIRPIPE_SYNAPSE_CHUNK_BLOB (a
 * Patient NDJSON blob in that account's {@code chunks} container), with the same credentials.
 */
class SynapseLiveTest {

    @Test
    void dedicatedPoolLoadsAChunkOnceAndSkipsItsRedelivery() throws Exception {
        String url = System.getenv("FHIRPIPE_SYNAPSE_JDBC_URL");
        String chunkUrl = System.getenv("FHIRPIPE_SYNAPSE_CHUNK_URL");
        assumeTrue(
                url != null && !url.isBlank() && chunkUrl != null && !chunkUrl.isBlank(),
                "FHIRPIPE_SYNAPSE_JDBC_URL and FHIRPIPE_SYNAPSE_CHUNK_URL are not set");
        SqlAuthentication auth = LiveSql.authentication();
        StorageCredential storage = LiveSql.storage();

        String suffix = Long.toString(System.currentTimeMillis(), 36);
        WarehouseLayout layout = new WarehouseLayout("fp_raw_" + suffix, "fp_typed_" + suffix, "fp_ctl_" + suffix);
        CopyIntoStatements dialect = new CopyIntoStatements(copyIntoKind(), layout, storage);
        List<ViewDefinition> views = ViewCatalog.withDefaults().views().stream()
                .filter(v -> v.resource().equals("Patient"))
                .toList();
        ChunkToLoad chunk = new ChunkToLoad("live-" + suffix, "Patient", "live-export", chunkUrl);
        TSqlPlanRunner runner = new TSqlPlanRunner();

        try (Connection c = new SqlServerConnections(url, auth, Duration.ofSeconds(60)).open()) {
            try {
                for (SqlStatement s : dialect.setup(views, List.of("Patient"))) {
                    runner.execute(c, s);
                }
                TSqlPlanRunner.Outcome first = runner.run(c, dialect.chunk(chunk, views));
                assertThat(first.alreadyLoaded()).isFalse();
                long raw = LiveSql.count(c, "SELECT COUNT_BIG(*) FROM [" + layout.rawSchema() + "].[Patient]");
                long distinct =
                        LiveSql.count(c, "SELECT COUNT_BIG(DISTINCT [id]) FROM [" + layout.rawSchema() + "].[Patient]");
                long typed = LiveSql.count(c, "SELECT COUNT_BIG(*) FROM [" + layout.typedSchema() + "].[patient]");
                long ledger =
                        LiveSql.count(c, "SELECT COUNT_BIG(*) FROM [" + layout.controlSchema() + "].[chunk_ledger]");
                assertThat(raw).isPositive().isEqualTo(distinct); // one row per id
                assertThat(typed).isEqualTo(raw); // the patient view has one row per resource
                assertThat(ledger).isEqualTo(1);

                TSqlPlanRunner.Outcome again = runner.run(c, dialect.chunk(chunk, views));
                assertThat(again.alreadyLoaded()).isTrue();
                assertThat(LiveSql.count(c, "SELECT COUNT_BIG(*) FROM [" + layout.rawSchema() + "].[Patient]"))
                        .isEqualTo(raw);
            } finally {
                dropAll(c, layout);
            }
        }
    }

    @Test
    void dedicatedPoolThroughTheLoadersWarehouse() throws Exception {
        String url = System.getenv("FHIRPIPE_SYNAPSE_JDBC_URL");
        String storageUrl = System.getenv("FHIRPIPE_SYNAPSE_STORAGE_URL");
        String chunkBlob = System.getenv("FHIRPIPE_SYNAPSE_CHUNK_BLOB");
        assumeTrue(
                url != null
                        && !url.isBlank()
                        && storageUrl != null
                        && !storageUrl.isBlank()
                        && chunkBlob != null
                        && !chunkBlob.isBlank(),
                "FHIRPIPE_SYNAPSE_JDBC_URL,"
                        + " FHIRPIPE_SYNAPSE_STORAGE_URL and FHIRPIPE_SYNAPSE_CHUNK_BLOB are not set");
        SqlServerConnections connections =
                new SqlServerConnections(url, LiveSql.authentication(), Duration.ofSeconds(60));
        String suffix = Long.toString(System.currentTimeMillis(), 36);
        WarehouseLayout layout = new WarehouseLayout("fp_raw_" + suffix, "fp_typed_" + suffix, "fp_ctl_" + suffix);
        List<ViewDefinition> views = ViewCatalog.withDefaults().views().stream()
                .filter(v -> v.resource().equals("Patient"))
                .toList();
        io.fhirpipe.model.events.ChunkReady event = new io.fhirpipe.model.events.ChunkReady(
                "live-" + suffix, "Patient", "live/Patient.ndjson", "0x1", chunkBlob, 0, 0, 0, "0".repeat(64));
        io.fhirpipe.synapseloader.chunk.ChunkRef chunk = new io.fhirpipe.synapseloader.chunk.ChunkRef(
                event, io.fhirpipe.model.events.FileKind.OUTPUT, chunkBlob + "#live-" + suffix);
        java.time.Instant now = java.time.Instant.now();
        try (Connection c = connections.open()) {
            try (TSqlWarehouse warehouse = TSqlWarehouse.open(
                    copyIntoKind(),
                    layout,
                    LiveSql.storage(),
                    storageUrl,
                    views,
                    List.of(),
                    connections::open,
                    // as the loader runs it: the screened copy of a chunk with oversized lines is written here
                    new BlobStorageFolders(new com.azure.storage.blob.BlobServiceClientBuilder()
                            .endpoint(storageUrl)
                            .credential(new DefaultAzureCredentialBuilder().build())
                            .buildClient()))) {
                warehouse.lock().lock();
                try {
                    assertThat(warehouse.ledger(chunk.chunkId())).isEmpty();
                    warehouse.loadResources(chunk, java.nio.file.Path.of("unused"), 0, 0, now);
                    var entry = warehouse.ledger(chunk.chunkId());
                    assertThat(entry).isPresent();
                    long raw = LiveSql.count(c, "SELECT COUNT_BIG(*) FROM [" + layout.rawSchema() + "].[Patient]");
                    assertThat(raw).isPositive().isEqualTo(entry.get().rowsLoaded());
                    assertThat(LiveSql.count(c, "SELECT COUNT_BIG(*) FROM [" + layout.typedSchema() + "].[patient]"))
                            .isEqualTo(raw);
                    // a redelivery that got past the loader's ledger check is skipped by the plan's own
                    assertThat(warehouse.loadResources(chunk, java.nio.file.Path.of("unused"), 0, 0, now))
                            .isZero();
                    assertThat(LiveSql.count(c, "SELECT COUNT_BIG(*) FROM [" + layout.rawSchema() + "].[Patient]"))
                            .isEqualTo(raw);
                } finally {
                    warehouse.lock().unlock();
                }
            } finally {
                dropAll(c, layout);
            }
        }
    }

    /** The dialect under test: the same plans run on a dedicated pool and on Fabric. */
    private static WarehouseKind copyIntoKind() {
        String name = System.getenv("FHIRPIPE_SYNAPSE_DIALECT");
        WarehouseKind kind =
                name == null || name.isBlank() ? WarehouseKind.SYNAPSE_DEDICATED : WarehouseKind.fromConfig(name);
        assumeTrue(kind != WarehouseKind.SYNAPSE_SERVERLESS, "synapse-serverless runs in SynapseServerlessLiveTest");
        return kind;
    }

    private static void dropAll(Connection c, WarehouseLayout layout) {
        for (String t : List.of(
                layout.typedSchema() + "].[patient",
                layout.rawSchema() + "].[Patient",
                layout.controlSchema() + "].[chunk_ledger",
                layout.controlSchema() + "].[deleted_resources")) {
            LiveSql.execQuietly(c, "IF OBJECT_ID(N'[" + t + "]', N'U') IS NOT NULL DROP TABLE [" + t + "]");
        }
        for (String schema : List.of(layout.typedSchema(), layout.rawSchema(), layout.controlSchema())) {
            LiveSql.execQuietly(c, "IF SCHEMA_ID(N'" + schema + "') IS NOT NULL EXEC(N'DROP SCHEMA [" + schema + "]')");
        }
    }
}
