package io.fhirpipe.synapseloader.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.curated.CuratedFlushTimer;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.duckdb.TypedStorage;
import io.fhirpipe.synapseloader.views.LoaderViews;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "Real servers, real data", item 6: with the loader's large checkpoint threshold every load
 * stays in the WAL, and a stopped stack left 12 KB of database beside 107 MB of WAL. The stack
 * kills a service that has not stopped within its grace period, and the last curated upload can
 * outlast it (storage stops at the same time and the client retries), so the database file must
 * hold every row before that upload, and again after the close.
 */
class ShutdownCheckpointTest {

    @TempDir
    Path dir;

    DuckDbWarehouse warehouse;
    Path file;
    Path wal;

    @BeforeEach
    void loadIntoTheWal() throws IOException {
        file = dir.resolve("w.duckdb");
        wal = dir.resolve("w.duckdb.wal");
        LoaderViews views = LoaderViews.compile(
                new DuckDbDialect(),
                Optional.empty(),
                DuckDbWarehouse.CHUNK_TABLE,
                DuckDbWarehouse::rawTable,
                Optional.empty());
        warehouse = DuckDbWarehouse.open(
                file,
                views,
                dir.resolve("work"),
                Optional.empty(),
                Optional.empty(),
                TypedStorage.TABLES,
                Optional.of("1GiB"));
        LocalChunks chunks = new LocalChunks(dir);
        ChunkLoader loader = new ChunkLoader(
                warehouse,
                chunks,
                (c, r) -> {},
                Optional.empty(),
                Optional.empty(),
                dir.resolve("work"),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        for (int chunk = 0; chunk < 3; chunk++) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                lines.add(String.format(ChunkLoaderTest.P, "p" + chunk + "-" + i));
            }
            loader.load(chunks.add("e" + chunk + "/Patient-0.ndjson", "Patient", 0, lines));
        }
        assertThat(Files.size(wal)).as("the loads sit in the WAL").isPositive();
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    @Test
    void aStopKilledDuringTheLastCuratedUploadLeavesEveryRowInTheDatabaseFile() throws Exception {
        Path killedHere = dir.resolve("killed").resolve("w.duckdb");
        CuratedFlushTimer timer = new CuratedFlushTimer(
                warehouse.curated().orElseThrow(),
                (type, view, parquet) -> {
                    // what the disk holds if the process dies now: the database file, its WAL not looked at
                    copyAlone(file, killedHere);
                },
                Duration.ofHours(1));

        CuratedFlushing.stop(warehouse, timer);

        assertThat(killedHere).as("the last snapshot was written").exists();
        assertEveryRow(killedHere);
    }

    @Test
    void afterTheStopAndTheCloseTheDatabaseFileAloneHoldsEveryRow() throws Exception {
        CuratedFlushing.stop(
                warehouse,
                new CuratedFlushTimer(
                        warehouse.curated().orElseThrow(), (type, view, parquet) -> {}, Duration.ofHours(1)));
        warehouse.close();

        Path alone = dir.resolve("alone").resolve("w.duckdb");
        copyAlone(file, alone);
        assertEveryRow(alone);
        try (Connection c = connect(alone);
                Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT count(*) FROM fhirpipe_state.curated_pending"))
                    .isZero();
        }
        assertThat(!Files.exists(wal) || Files.size(wal) == 0)
                .as("no WAL left beside the file")
                .isTrue();
    }

    private static void assertEveryRow(Path databaseFile) throws Exception {
        try (Connection c = connect(databaseFile);
                Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT count(*) FROM raw.\"Patient\"")).isEqualTo(3000);
            assertThat(count(s, "SELECT count(*) FROM patient")).isEqualTo(3000);
            assertThat(count(s, "SELECT count(*) FROM fhirpipe_state.chunk_ledger"))
                    .isEqualTo(3);
        }
    }

    private static void copyAlone(Path databaseFile, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(databaseFile, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Connection connect(Path databaseFile) throws Exception {
        return new DuckDBDriver().connect("jdbc:duckdb:" + databaseFile, new Properties());
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
