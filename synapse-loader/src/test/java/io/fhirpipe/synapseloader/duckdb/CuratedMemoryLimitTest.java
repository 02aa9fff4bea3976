package io.fhirpipe.synapseloader.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.Synthetic;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.views.LoaderViews;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A curated snapshot of a typed view under a memory_limit too small to evaluate all its columns at
 * once (DuckDB holds a JSON parse arena per function call, each the size of a vector of parsed
 * documents) is still written, whole and exact.
 */
class CuratedMemoryLimitTest {

    private static final String LIMIT = "40MB";

    @TempDir
    Path dir;

    DuckDbWarehouse warehouse;

    @AfterEach
    void close() {
        if (warehouse != null) {
            warehouse.close();
        }
    }

    @Test
    void aViewTooWideForMemoryLimitIsSnapshotInPassesWithEveryRowAndColumn() throws Exception {
        LoaderViews views = LoaderViews.compile(
                new DuckDbDialect(),
                Optional.empty(),
                DuckDbWarehouse.CHUNK_TABLE,
                DuckDbWarehouse::rawTable,
                Optional.of(List.of("Patient")));
        // loaded with DuckDB's default limit: this test is about the snapshot only
        warehouse = DuckDbWarehouse.open(
                dir.resolve("w.duckdb"),
                views,
                dir.resolve("work"),
                Optional.empty(),
                Optional.of(1),
                TypedStorage.VIEWS,
                Optional.empty());
        LocalChunks chunks = new LocalChunks(dir);
        ChunkLoader loader = new ChunkLoader(
                warehouse,
                chunks,
                (c, r) -> {},
                Optional.empty(),
                Optional.empty(),
                dir.resolve("work"),
                Clock.systemUTC());
        List<String> lines = new ArrayList<>();
        for (int n = 0; n < 6_000; n++) {
            lines.add(Synthetic.patient("p" + n, n, "1", "2026-01-02T03:04:05Z").json());
        }
        loader.load(chunks.add("e1/Patient-0.ndjson", "Patient", 0, lines));
        warehouse.close();
        warehouse = DuckDbWarehouse.open(
                dir.resolve("w.duckdb"),
                views,
                dir.resolve("work"),
                Optional.of(LIMIT),
                Optional.of(1),
                TypedStorage.VIEWS,
                Optional.empty());

        // the situation under test: the whole view at once does not fit
        Path direct = dir.resolve("direct.parquet");
        assertThatThrownBy(() -> warehouse.query(c -> {
                    try (Statement s = c.createStatement()) {
                        return s.execute("COPY (SELECT * EXCLUDE (_resource_key) FROM patient) TO '" + direct
                                + "' (FORMAT parquet)");
                    }
                }))
                .hasMessageContaining("Out of Memory");

        Path out = dir.resolve("out");
        Files.createDirectories(out);
        // loads have not stopped long enough (the database just opened): no passes that would hold
        // the lock for long, the snapshot stays pending
        assertThatThrownBy(() -> warehouse.snapshots().flush(TypedStorageEquivalenceTest.copyTo(out)))
                .hasMessageContaining("Out of Memory");
        assertThat(out.resolve("Patient-patient.parquet")).doesNotExist();

        warehouse.snapshots().flush(TypedStorageEquivalenceTest.copyTo(out), java.time.Duration.ZERO);

        Path parquet = out.resolve("Patient-patient.parquet");
        // reading the view whole, for the expected rows, needs the memory the snapshot did without
        warehouse.query(c -> {
            try (Statement s = c.createStatement()) {
                return s.execute("SET memory_limit = '1GB'");
            }
        });
        assertThat(rows("SELECT * FROM read_parquet('" + parquet + "') ORDER BY ALL"))
                .hasSize(6_000)
                .isEqualTo(rows("SELECT * EXCLUDE (_resource_key) FROM patient ORDER BY ALL"));
        assertThat(columns("SELECT * FROM read_parquet('" + parquet + "')"))
                .isEqualTo(views.forType("Patient").get(0).columns());
        assertThat(rows("SELECT count(*) FROM fhirpipe_state.curated_pending")).containsExactly("0");
        assertThat(rows("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE '_curated%'"))
                .containsExactly("0");
    }

    private List<String> rows(String sql) {
        return warehouse.query(c -> {
            List<String> rows = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(String.join("|", row));
                }
            }
            return rows;
        });
    }

    private List<String> columns(String sql) throws SQLException {
        return warehouse.query(c -> {
            List<String> names = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("DESCRIBE " + sql)) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }
}
