package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.failure.TransientRetries;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.load.LoadReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two loaders (two processes in production: each its own warehouse connection and lock) load
 * chunks of the same type into one Fabric Warehouse at the same time. Both transactions delete
 * from {@code raw.Patient} and the shared {@code deleted_resources}, so Fabric aborts the later
 * commit with 24556; the loser must retry (ledger check, plan again) rather than dead-letter its
 * chunk, and each chunk must be committed exactly once.
 */
class ConcurrentLoadersTest {

    @TempDir
    Path dir;

    @Test
    void twoLoadersOnOneTypeBothCommitTheLoserAfterAnUpdateConflict() throws Exception {
        SnapshotIsolationEngine fabric = new SnapshotIsolationEngine(2);
        RecordingJdbc first =
                new RecordingJdbc().answer(RecordingJdbcAnswers.noLedgerRows()).engine(fabric);
        RecordingJdbc second =
                new RecordingJdbc().answer(RecordingJdbcAnswers.noLedgerRows()).engine(fabric);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (TSqlWarehouse a = open(first);
                TSqlWarehouse b = open(second)) {
            LocalChunks chunksA = new LocalChunks(Files.createDirectories(dir.resolve("a")));
            LocalChunks chunksB = new LocalChunks(Files.createDirectories(dir.resolve("b")));
            ChunkReady eventA = chunksA.add(
                    "e1/Patient-0.ndjson",
                    "Patient",
                    0,
                    List.of(TSqlWarehouseTest.P.formatted("p1"), TSqlWarehouseTest.P.formatted("p2")));
            ChunkReady eventB = chunksB.add(
                    "e1/Patient-1.ndjson",
                    "Patient",
                    0,
                    List.of(TSqlWarehouseTest.P.formatted("p2"), TSqlWarehouseTest.P.formatted("p3")));
            Future<LoadReport> loadA = pool.submit(() -> loader(a, chunksA, "a").load(eventA));
            Future<LoadReport> loadB = pool.submit(() -> loader(b, chunksB, "b").load(eventB));

            LoadReport reportA = loadA.get(30, TimeUnit.SECONDS);
            LoadReport reportB = loadB.get(30, TimeUnit.SECONDS);

            assertThat(List.of(reportA, reportB)).allSatisfy(r -> {
                assertThat(r.alreadyLoaded()).isFalse();
                assertThat(r.rowsLoaded()).isEqualTo(2);
                assertThat(r.rowsRejected()).isZero();
            });
            assertThat(fabric.conflicts).as("the later commit was aborted once").isEqualTo(1);
            assertThat(fabric.commits).as("each chunk committed exactly once").isEqualTo(2);
            // the loser ran its transaction twice, the winner once
            long beginsA = first.statements.stream()
                    .filter("BEGIN TRANSACTION"::equals)
                    .count();
            long beginsB = second.statements.stream()
                    .filter("BEGIN TRANSACTION"::equals)
                    .count();
            assertThat(List.of(beginsA, beginsB)).containsExactlyInAnyOrder(1L, 2L);
            // and checked the ledger again before the second attempt
            RecordingJdbc loser = beginsA == 2 ? first : second;
            assertThat(loser.statements.stream()
                            .filter(s -> s.startsWith("SELECT COUNT_BIG(*) FROM" + " [fhirpipe].[chunk_ledger]"))
                            .count())
                    .isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    private static TSqlWarehouse open(RecordingJdbc jdbc) {
        return TSqlWarehouse.open(
                WarehouseKind.FABRIC_WAREHOUSE,
                WarehouseLayout.defaults(),
                new StorageCredential.CallerIdentity(),
                TSqlWarehouseTest.ACCOUNT,
                TSqlWarehouseTest.PATIENT_VIEWS,
                List.of(),
                jdbc,
                new RecordingStorage());
    }

    private ChunkLoader loader(TSqlWarehouse warehouse, LocalChunks chunks, String work) throws Exception {
        // the service's retry settings, with millisecond waits
        return new ChunkLoader(
                warehouse,
                chunks,
                (c, r) -> {},
                Optional.empty(),
                Duration.ZERO,
                Optional.empty(),
                Files.createDirectories(dir.resolve("work-" + work)),
                Clock.fixed(TSqlWarehouseTest.NOW, ZoneOffset.UTC),
                new TransientRetries(4, new RetryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))));
    }
}
