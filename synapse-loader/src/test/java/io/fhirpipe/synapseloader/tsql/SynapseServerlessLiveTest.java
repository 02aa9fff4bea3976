package io.fhirpipe.synapseloader.tsql;

import static io.fhirpipe.synapseloader.tsql.LiveSql.count;
import static io.fhirpipe.synapseloader.tsql.LiveSql.execQuietly;
import static io.fhirpipe.synapseloader.tsql.LiveSql.set;
import static io.fhirpipe.synapseloader.tsql.LiveSql.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.sqlonfhir.defaults.ViewCatalog;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.lines.Deletion;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The synapse-serverless dialect end to end against a real serverless SQL pool, through
 * {@link TSqlWarehouse} as the loader runs it with fhirpipe.loader.dialect=synapse-serverless: the
 * chunk becomes Parquet under {@code curated/} (CETAS), the views rank it, a redelivery rewrites the
 * same files without duplicates, and a deletion's tombstone hides the resource. The live test of
 * the third T-SQL dialect (SynapseLiveTest covers synapse-dedicated and fabric-warehouse).
 *
 * <p>Runs only when FHIRPIPE_SYNAPSE_DIALECT=synapse-serverless and FHIRPIPE_SYNAPSE_JDBC_URL (the
 * workspace's {@code <ws>-ondemand} endpoint with a user database, not master),
 * FHIRPIPE_SYNAPSE_STORAGE_URL (the account's blob endpoint) and FHIRPIPE_SYNAPSE_CHUNK_BLOB (a
 * Patient NDJSON blob in that account's {@code chunks} container) are set. Credentials as in
 * SynapseLiveTest: FHIRPIPE_SYNAPSE_USER / FHIRPIPE_SYNAPSE_PASSWORD, else Entra via
 * DefaultAzureCredential, which also writes and deletes the Parquet folders (Storage Blob Data
 * Contributor on {@code curated}); the pool reads storage with the workspace identity unless
 * FHIRPIPE_SYNAPSE_SAS is set. The views go to schemas named with a per-run suffix and are dropped
 * at the end with the run's Parquet folders; the database's credential, data source, file format
 * and the seed tombstones stay, as the loader leaves them. The views rank versions across every
 * chunk folder, so the checks assume no other chunk in that {@code curated} container holds a
 * newer version of the chunk's patients (a test account, or a chunk of its own patients).
 */
class SynapseServerlessLiveTest {

    private static final String DIALECT = "synapse-serverless";

    @Test
    void serverlessPoolLoadsAChunkAsParquetRewritesItOnRedeliveryAndHidesATombstonedResource() throws Exception {
        String url = System.getenv("FHIRPIPE_SYNAPSE_JDBC_URL");
        String storageUrl = System.getenv("FHIRPIPE_SYNAPSE_STORAGE_URL");
        String chunkBlob = System.getenv("FHIRPIPE_SYNAPSE_CHUNK_BLOB");
        assumeTrue(
                DIALECT.equals(System.getenv("FHIRPIPE_SYNAPSE_DIALECT")),
                "FHIRPIPE_SYNAPSE_DIALECT is not " + DIALECT);
        assumeTrue(
                set(url) && set(storageUrl) && set(chunkBlob),
                "FHIRPIPE_SYNAPSE_JDBC_URL,"
                        + " FHIRPIPE_SYNAPSE_STORAGE_URL and FHIRPIPE_SYNAPSE_CHUNK_BLOB are not set");
        StorageCredential storage = LiveSql.storage();
        SqlServerConnections connections =
                new SqlServerConnections(url, LiveSql.authentication(), Duration.ofSeconds(60));
        BlobStorageFolders folders = new BlobStorageFolders(new BlobServiceClientBuilder()
                .endpoint(storageUrl)
                .credential(new DefaultAzureCredentialBuilder().build())
                .buildClient());

        String suffix = Long.toString(System.currentTimeMillis(), 36);
        WarehouseLayout layout = new WarehouseLayout("fp_raw_" + suffix, "fp_typed_" + suffix, "fp_ctl_" + suffix);
        List<ViewDefinition> views = ViewCatalog.withDefaults().views().stream()
                .filter(v -> v.resource().equals("Patient"))
                .toList();
        ChunkReady event = new ChunkReady(
                "live-" + suffix, "Patient", "live/Patient.ndjson", "0x1", chunkBlob, 0, 0, 0, "0".repeat(64));
        ChunkRef chunk = new ChunkRef(event, FileKind.OUTPUT, chunkBlob + "#live-" + suffix);
        ChunkRef deletions = new ChunkRef(event, FileKind.DELETED, chunkBlob + "#live-deleted-" + suffix);
        // the folders the run writes, for the cleanup (named as the loader names them)
        ServerlessStatements names = new ServerlessStatements(layout, storage, storageUrl, Containers.CURATED);
        List<String> written = new ArrayList<>(
                names.chunkFolders(new ChunkToLoad(chunk.chunkId(), "Patient", chunk.exportId(), "-"), views));
        written.add(names.deletionFolder(new ChunkToLoad(deletions.chunkId(), "Patient", deletions.exportId(), "-")));

        String raw = "[" + layout.rawSchema() + "].[Patient]";
        String typed = "[" + layout.typedSchema() + "].[patient]";
        String ofChunk = " WHERE [chunk] = N'" + chunk.chunkId().replace("'", "''") + "'";
        String typedOfChunk = "SELECT COUNT_BIG(*) FROM " + typed + " WHERE [" + WarehouseLayout.RESOURCE_KEY
                + "] IN (SELECT [id] FROM " + raw + ofChunk + ")";
        Instant now = Instant.now();
        try (Connection c = connections.open()) {
            try (TSqlWarehouse warehouse = TSqlWarehouse.open(
                    WarehouseKind.SYNAPSE_SERVERLESS,
                    layout,
                    storage,
                    storageUrl,
                    views,
                    List.of(),
                    connections::open,
                    folders)) {
                warehouse.lock().lock();
                try {
                    // no transactions, so no ledger: idempotent folders instead
                    assertThat(warehouse.ledger(chunk.chunkId())).isEmpty();
                    warehouse.loadResources(chunk, Path.of("unused"), 0, 0, now);
                    long rows = count(c, "SELECT COUNT_BIG(*) FROM " + raw + ofChunk);
                    assertThat(rows)
                            .isPositive()
                            .isEqualTo(count(c, "SELECT COUNT_BIG(DISTINCT [id]) FROM " + raw + ofChunk));
                    // the patient view: a row per resource
                    assertThat(count(c, typedOfChunk)).isEqualTo(rows);

                    // a redelivery rewrites the chunk's folders: the same rows, none twice
                    warehouse.loadResources(chunk, Path.of("unused"), 0, 0, now);
                    assertThat(count(c, "SELECT COUNT_BIG(*) FROM " + raw + ofChunk))
                            .isEqualTo(rows);
                    assertThat(count(c, typedOfChunk)).isEqualTo(rows);

                    // a tombstone later than the version hides the resource in the raw and the typed view
                    String id = text(c, "SELECT TOP 1 [id] FROM " + raw + ofChunk + " ORDER BY [id]");
                    String idLiteral = "N'" + id.replace("'", "''") + "'";
                    warehouse.applyDeletes(
                            deletions, List.of(new Deletion(id, Instant.now().plusSeconds(1))), 1, 0, Instant.now());
                    assertThat(count(c, "SELECT COUNT_BIG(*) FROM " + raw + " WHERE [id] = " + idLiteral))
                            .isZero();
                    assertThat(count(
                                    c,
                                    "SELECT COUNT_BIG(*) FROM " + typed + " WHERE [" + WarehouseLayout.RESOURCE_KEY
                                            + "] = " + idLiteral))
                            .isZero();
                    assertThat(count(c, "SELECT COUNT_BIG(*) FROM " + raw + ofChunk))
                            .isEqualTo(rows - 1);
                } finally {
                    warehouse.lock().unlock();
                }
            } finally {
                dropViewsAndSchemas(c, layout, views);
                written.forEach(folders::deleteFolder);
            }
        }
    }

    private static void dropViewsAndSchemas(Connection c, WarehouseLayout layout, List<ViewDefinition> views) {
        List<String> dropped = new ArrayList<>();
        dropped.add(layout.rawSchema() + "].[Patient");
        views.forEach(v -> dropped.add(layout.typedSchema() + "].[" + v.name()));
        for (String v : dropped) {
            execQuietly(c, "IF OBJECT_ID(N'[" + v + "]', N'V') IS NOT NULL DROP VIEW [" + v + "]");
        }
        for (String schema : List.of(layout.typedSchema(), layout.rawSchema(), layout.controlSchema())) {
            execQuietly(c, "IF SCHEMA_ID(N'" + schema + "') IS NOT NULL EXEC(N'DROP SCHEMA [" + schema + "]')");
        }
    }
}
