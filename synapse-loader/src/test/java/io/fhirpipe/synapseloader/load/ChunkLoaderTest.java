package io.fhirpipe.synapseloader.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.ndjson.LineRejection;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.FailureKind;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.chunk.ChunkFailure;
import io.fhirpipe.synapseloader.chunk.ChunkRef;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.duckdb.TypedStorage;
import io.fhirpipe.synapseloader.views.LoaderViews;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader's decisions around the warehouse, with chunks from local files. */
class ChunkLoaderTest {

    @TempDir
    Path dir;

    DuckDbWarehouse warehouse;
    LocalChunks chunks;
    List<LineRejection> rejected = new ArrayList<>();

    static final String P = "{\"resourceType\":\"Patient\",\"id\":\"%s\",\"meta\":{\"versionId\":\"1\","
            + "\"lastUpdated\":\"2024-01-01T00:00:00Z\"}}";

    /** Overridden by the views-mode subclass: the same assertions must hold for typed views. */
    TypedStorage typed() {
        return TypedStorage.TABLES;
    }

    @BeforeEach
    void open() {
        LoaderViews views = LoaderViews.compile(
                new DuckDbDialect(),
                Optional.empty(),
                DuckDbWarehouse.CHUNK_TABLE,
                DuckDbWarehouse::rawTable,
                Optional.empty());
        warehouse = DuckDbWarehouse.open(
                dir.resolve("w.duckdb"),
                views,
                dir.resolve("work"),
                Optional.empty(),
                Optional.empty(),
                typed(),
                Optional.empty());
        chunks = new LocalChunks(dir);
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    ChunkLoader loader(Optional<Set<String>> onlyTypes) {
        return new ChunkLoader(
                warehouse,
                chunks,
                (ChunkRef c, List<LineRejection> r) -> rejected.addAll(r),
                Optional.empty(),
                onlyTypes,
                dir.resolve("work"),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00.123456789Z"), ZoneOffset.UTC));
    }

    long count(String sql) {
        return warehouse.query(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void aTypeOutsideTheConfiguredListIsRefusedPermanentlyWithoutLoading() {
        ChunkReady chunk = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a")));
        assertThatThrownBy(() -> loader(Optional.of(Set.of("Observation"))).load(chunk))
                .isInstanceOf(PermanentFailure.class)
                .isNotInstanceOf(ChunkFailure.class)
                .satisfies(e ->
                        assertThat(((PermanentFailure) e).reason()).isEqualTo(ChunkLoader.RESOURCE_TYPE_NOT_SERVED));
        assertThat(count("SELECT count(*) FROM raw.\"Patient\"")).isZero();
        assertThat(loader(Optional.of(Set.of("Patient"))).load(chunk).rowsLoaded())
                .isEqualTo(1);
    }

    @Test
    void bytesThatDoNotMatchTheAnnouncedChecksumFailTheChunk() {
        ChunkReady good = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a")));
        ChunkReady lying = new ChunkReady(
                good.exportId(),
                good.resourceType(),
                good.sourceBlob(),
                good.sourceEtag(),
                good.chunkBlob(),
                good.chunkIndex(),
                good.lineCount(),
                good.bytes(),
                "b".repeat(64));
        assertThatThrownBy(() -> loader(Optional.empty()).load(lying))
                .isInstanceOf(ChunkFailure.class)
                .satisfies(e -> assertThat(((ChunkFailure) e).reason()).isEqualTo(ChunkFailure.CHECKSUM_MISMATCH));
        assertThat(count("SELECT count(*) FROM fhirpipe_state.chunk_ledger")).isZero();
    }

    @Test
    void aChunkOfOnlyBadLinesIsLedgeredWithNothingLoaded() {
        ChunkReady chunk = chunks.add(
                "e1/Patient-0.ndjson",
                "Patient",
                0,
                "{oops\n{\"resourceType\":\"Patient\"}\n".getBytes(StandardCharsets.UTF_8));
        LoadReport r = loader(Optional.empty()).load(chunk);
        assertThat(r.rowsLoaded()).isZero();
        assertThat(r.rowsRejected()).isEqualTo(2);
        assertThat(rejected).hasSize(2);
        assertThat(count("SELECT count(*) FROM fhirpipe_state.chunk_ledger WHERE rows_rejected = 2"))
                .isEqualTo(1);
        LoadReport again = loader(Optional.empty()).load(chunk);
        assertThat(again.alreadyLoaded()).isTrue();
        assertThat(again.rowsRejected()).isEqualTo(2);
        assertThat(again.loadedAt()).isEqualTo(r.loadedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"));
    }

    @Test
    void aCuratedSnapshotThatFailsLeavesTheCommittedChunkLoadedAndTheSnapshotPending() {
        // e.g. DuckDB "Out of Memory" in the Parquet COPY under a small memory_limit: it must not fail
        // the chunk, whose rows are committed, or every redelivery fails again until it dead-letters.
        ChunkReady chunk = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a")));
        io.fhirpipe.synapseloader.curated.CuratedSink failing = (type, view, file) -> {
            throw new IllegalStateException("Out of Memory Error: could not allocate block");
        };
        ChunkLoader withFailingSnapshots = new ChunkLoader(
                warehouse,
                chunks,
                (ChunkRef c, List<LineRejection> r) -> rejected.addAll(r),
                Optional.of(failing),
                java.time.Duration.ZERO,
                Optional.empty(),
                dir.resolve("work"),
                Clock.systemUTC());

        LoadReport report = withFailingSnapshots.load(chunk);

        assertThat(report.alreadyLoaded()).isFalse();
        assertThat(report.rowsLoaded()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM raw.\"Patient\"")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM fhirpipe_state.curated_pending WHERE resource_type = 'Patient'"))
                .as("the snapshot is still owed")
                .isEqualTo(1);

        List<String> written = new ArrayList<>();
        warehouse.curated().orElseThrow().flush((type, view, file) -> written.add(type + "/" + view));
        assertThat(written).contains("Patient/patient");
        assertThat(count("SELECT count(*) FROM fhirpipe_state.curated_pending")).isZero();
    }

    @Test
    void aWarehouseFailureIsTransientSoTheMessageIsAbandoned() {
        ChunkReady chunk = chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("a")));
        warehouse.close();
        assertThatThrownBy(() -> loader(Optional.empty()).load(chunk))
                .isInstanceOf(TransientFailure.class)
                .satisfies(e -> assertThat(FailureClassifier.classify(e)).isEqualTo(FailureKind.TRANSIENT));
    }

    @Test
    void aChangedViewDefinitionRebuildsItsTableFromTheRawTableAtStartUp() throws Exception {
        ChunkReady chunk = chunks.add(
                "e1/Patient-0.ndjson",
                "Patient",
                0,
                List.of("{\"resourceType\":\"Patient\",\"id\":\"a\",\"gender\":\"female\"}"));
        loader(Optional.empty()).load(chunk);
        warehouse.close();
        Path views = java.nio.file.Files.createDirectories(dir.resolve("views"));
        java.nio.file.Files.writeString(views.resolve("patient.json"), """
                {"resourceType":"ViewDefinition","name":"patient","resource":"Patient","select":[{"column":[
                  {"name":"pid","path":"getResourceKey()"},{"name":"sex","path":"gender"}]}]}""");
        warehouse = DuckDbWarehouse.open(
                dir.resolve("w.duckdb"),
                LoaderViews.compile(
                        new DuckDbDialect(),
                        Optional.of(views),
                        DuckDbWarehouse.CHUNK_TABLE,
                        DuckDbWarehouse::rawTable,
                        Optional.empty()),
                dir.resolve("work"),
                Optional.empty(),
                Optional.empty(),
                typed(),
                Optional.empty());
        assertThat(count("SELECT count(*) FROM patient WHERE _resource_key = 'a' AND pid = 'a' AND sex = 'female'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 'patient'"))
                .isEqualTo(3);
        assertThat(count("SELECT count(*) FROM fhirpipe_state.curated_pending WHERE resource_type = 'Patient'"))
                .isEqualTo(1);
    }

    /**
     * The service runs deliveries side by side (the chunk-loads worker pool): the same chunk
     * delivered twice at once, next to another chunk, is applied once and reported loaded twice.
     */
    @Test
    void deliveriesInFlightTogetherApplyEachChunkOnce() throws Exception {
        ChunkLoader loader = loader(Optional.empty());
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            lines.add(String.format(P, "c" + i));
        }
        ChunkReady same = chunks.add("e1/Patient-0.ndjson", "Patient", 0, lines);
        ChunkReady other = chunks.add("e1/Patient-1.ndjson", "Patient", 0, List.of(String.format(P, "o1")));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(3);
        try {
            List<java.util.concurrent.Future<LoadReport>> reports = new ArrayList<>();
            for (ChunkReady event : List.of(same, same, other)) {
                reports.add(pool.submit(() -> {
                    start.await();
                    return loader.load(event);
                }));
            }
            LoadReport a = reports.get(0).get();
            LoadReport b = reports.get(1).get();
            assertThat(List.of(a.alreadyLoaded(), b.alreadyLoaded())).containsExactlyInAnyOrder(true, false);
            assertThat(a.rowsLoaded()).isEqualTo(2000).isEqualTo(b.rowsLoaded());
            assertThat(reports.get(2).get().applied()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("SELECT count(*) FROM raw.\"Patient\"")).isEqualTo(2001);
        assertThat(count("SELECT count(DISTINCT id) FROM raw.\"Patient\"")).isEqualTo(2001);
        assertThat(count("SELECT count(*) FROM patient")).isEqualTo(2001);
        assertThat(count("SELECT count(*) FROM fhirpipe_state.chunk_ledger")).isEqualTo(2);
    }

    static String version(String id, String versionId, String lastUpdated, boolean softDeleted) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{"
                + (softDeleted
                        ? "\"extension\":[{\"url\":\"http://azurehealthcareapis.com/data-extensions/deleted-state\","
                                + "\"valueString\":\"soft-deleted\"}],"
                        : "")
                + "\"versionId\":\"" + versionId + "\",\"lastUpdated\":\"" + lastUpdated + "\"},\"gender\":\"female\"}";
    }

    /**
     * Azure's FHIR service exports a soft-deleted resource (includeAssociatedData=_deleted) as its
     * deleted version, marked in meta.extension (Microsoft's documented extension): such a line is a
     * deletion at its lastUpdated, never a live row, wherever it stands; a later re-creation wins.
     */
    @Test
    void anAzureSoftDeletedVersionDeletesTheResourceInsteadOfLoadingIt() {
        ChunkLoader loader = loader(Optional.empty());
        loader.load(chunks.add(
                "e1/Patient-0.ndjson",
                "Patient",
                0,
                List.of(
                        version("gone", "1", "2024-01-01T00:00:00Z", false),
                        version("kept", "1", "2024-01-01T00:00:00Z", false))));
        ChunkReady incremental = chunks.add(
                "e2/Patient-0.ndjson",
                "Patient",
                0,
                List.of(
                        version("gone", "2", "2024-02-01T00:00:00Z", true),
                        version("new", "1", "2024-02-01T00:00:00Z", false),
                        version("never-seen", "3", "2024-02-02T00:00:00Z", true)));

        LoadReport report = loader.load(incremental);

        assertThat(report.rowsLoaded()).as("every line accounted for").isEqualTo(3);
        assertThat(count("SELECT count(*) FROM raw.\"Patient\"")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM raw.\"Patient\" WHERE id IN ('gone', 'never-seen')"))
                .isZero();
        assertThat(count("SELECT count(*) FROM patient WHERE id IN ('gone', 'never-seen')"))
                .isZero();
        assertThat(count("SELECT count(*) FROM patient")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM fhirpipe_state.deleted_resources WHERE id = 'gone' "
                        + "AND deleted_at = TIMESTAMPTZ '2024-02-01 00:00:00+00'"))
                .isEqualTo(1);

        assertThat(loader.load(incremental).alreadyLoaded()).isTrue();
        assertThat(count("SELECT count(*) FROM fhirpipe_state.chunk_ledger")).isEqualTo(3);

        // an older version arriving late stays deleted; a re-creation after the delete comes back
        loader.load(chunks.add(
                "e0/Patient-0.ndjson", "Patient", 0, List.of(version("gone", "1", "2024-01-01T00:00:00Z", false))));
        assertThat(count("SELECT count(*) FROM raw.\"Patient\" WHERE id = 'gone'"))
                .isZero();
        loader.load(chunks.add(
                "e3/Patient-0.ndjson", "Patient", 0, List.of(version("gone", "3", "2024-03-01T00:00:00Z", false))));
        assertThat(count("SELECT count(*) FROM patient WHERE id = 'gone'")).isEqualTo(1);
    }

    /**
     * A manifest's deleted[] file has type Bundle and its entries may delete any type (the Bulk Data
     * IG's example): each type's deletions reach its own table, and a redelivery applies nothing twice.
     */
    @Test
    void aManifestsBundleFileDeletesResourcesOfEveryTypeItNames() {
        ChunkLoader loader = loader(Optional.empty());
        loader.load(chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(P.formatted("p1"), P.formatted("p2"))));
        loader.load(chunks.add(
                "e1/Observation-0.ndjson",
                "Observation",
                0,
                List.of("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"meta\":{"
                        + "\"lastUpdated\":\"2024-01-01T00:00:00Z\"}}")));
        ChunkReady deletions = chunks.add(
                "e2/deleted/Bundle-0.ndjson",
                "Bundle",
                0,
                List.of(
                        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                                + "{\"method\":\"DELETE\",\"url\":\"Patient/p1\"}}]}",
                        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                                + "{\"method\":\"DELETE\",\"url\":\"Observation/o1\"}}]}"));

        LoadReport report = loader.load(deletions);

        assertThat(report.rowsLoaded()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM raw.\"Patient\"")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM raw.\"Observation\"")).isZero();
        assertThat(count("SELECT count(*) FROM observation")).isZero();
        assertThat(count("SELECT count(*) FROM fhirpipe_state.deleted_resources"))
                .isEqualTo(2);
        assertThat(loader.load(deletions).alreadyLoaded()).isTrue();
        assertThat(count("SELECT count(*) FROM fhirpipe_state.chunk_ledger")).isEqualTo(4);
    }

    /** The real warehouse behind a switch that fails loads transiently, before or after they commit. */
    final class FlakyWarehouse implements io.fhirpipe.synapseloader.warehouse.Warehouse {
        int failuresBefore;
        int failuresAfter;
        int loadCalls;

        @Override
        public java.util.concurrent.locks.ReentrantLock lock() {
            return warehouse.lock();
        }

        @Override
        public Optional<io.fhirpipe.synapseloader.warehouse.LedgerEntry> ledger(String chunkId) {
            return warehouse.ledger(chunkId);
        }

        @Override
        public long loadResources(ChunkRef chunk, Path ndjson, long accepted, long rejected, Instant now) {
            loadCalls++;
            if (failuresBefore > 0) {
                failuresBefore--;
                throw new TransientFailure("the warehouse is throttling", null);
            }
            long applied = warehouse.loadResources(chunk, ndjson, accepted, rejected, now);
            if (failuresAfter > 0) {
                failuresAfter--;
                throw new TransientFailure("connection lost after the commit", null);
            }
            return applied;
        }

        @Override
        public long applyDeletes(
                ChunkRef chunk,
                List<io.fhirpipe.synapseloader.lines.Deletion> deletions,
                long accepted,
                long rejected,
                Instant now) {
            return warehouse.applyDeletes(chunk, deletions, accepted, rejected, now);
        }

        @Override
        public Optional<io.fhirpipe.synapseloader.curated.CuratedSnapshots> curated() {
            return warehouse.curated();
        }

        @Override
        public void close() {}
    }

    @Test
    void transientWarehouseFailuresAreRetriedWithBackoffAndTheLedgerKeepsTheLoadSingle() {
        FlakyWarehouse flaky = new FlakyWarehouse();
        List<java.time.Duration> waits = new ArrayList<>();
        ChunkLoader retrying = new ChunkLoader(
                flaky,
                chunks,
                (c, r) -> rejected.addAll(r),
                Optional.empty(),
                java.time.Duration.ZERO,
                Optional.empty(),
                dir.resolve("work"),
                Clock.systemUTC(),
                new io.fhirpipe.runtime.failure.TransientRetries(
                        4,
                        new io.fhirpipe.runtime.failure.RetryBackoff(
                                java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(5)),
                        waits::add));

        flaky.failuresBefore = 2;
        LoadReport first = retrying.load(
                chunks.add("e1/Patient-0.ndjson", "Patient", 0, List.of(String.format(P, "a"), String.format(P, "b"))));
        assertThat(first.alreadyLoaded()).isFalse();
        assertThat(flaky.loadCalls).isEqualTo(3);
        assertThat(waits)
                .hasSize(2)
                .allSatisfy(w ->
                        assertThat(w).isBetween(java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(1)));

        // committed, then the connection broke: the retry finds the ledger row and applies nothing again
        flaky.failuresAfter = 1;
        LoadReport second =
                retrying.load(chunks.add("e1/Patient-1.ndjson", "Patient", 0, List.of(String.format(P, "c"))));
        assertThat(second.alreadyLoaded()).isTrue();
        assertThat(second.rowsLoaded()).isEqualTo(1);
        assertThat(flaky.loadCalls).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM raw.\"Patient\"")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM fhirpipe_state.chunk_ledger")).isEqualTo(2);

        // still failing after every attempt: the last failure goes back to the broker
        flaky.failuresBefore = 10;
        waits.clear();
        assertThatThrownBy(() ->
                        retrying.load(chunks.add("e1/Patient-2.ndjson", "Patient", 0, List.of(String.format(P, "d")))))
                .isInstanceOf(TransientFailure.class)
                .hasMessageContaining("throttling");
        assertThat(waits).hasSize(3);
        assertThat(count("SELECT count(*) FROM raw.\"Patient\" WHERE id = 'd'")).isZero();
    }
}
