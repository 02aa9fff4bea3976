package io.fhirpipe.synapseloader.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.load.LoadReport;
import io.fhirpipe.synapseloader.views.LoaderViews;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latest-version rule as the warehouse applies it (the SQL macros and the within-chunk
 * ordering), through the loader with chunks from local files: lastUpdated first, then versionId
 * as a number, missing values oldest, ties keep what is stored, time zones compared as instants.
 */
class LatestVersionTest {

    @TempDir
    Path dir;

    DuckDbWarehouse warehouse;
    LocalChunks chunks;
    ChunkLoader loader;
    int exportN;

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
        loader = new ChunkLoader(
                warehouse,
                chunks,
                (c, r) -> {},
                Optional.empty(),
                Optional.empty(),
                dir.resolve("work"),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    static String patient(String id, String version, String lastUpdated, String family) {
        StringBuilder meta = new StringBuilder();
        if (version != null) {
            meta.append("\"versionId\":\"").append(version).append('"');
        }
        if (lastUpdated != null) {
            meta.append(meta.length() > 0 ? "," : "")
                    .append("\"lastUpdated\":\"")
                    .append(lastUpdated)
                    .append('"');
        }
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{" + meta + "},\"name\":[{\"family\":\""
                + family + "\"}]}";
    }

    long rawRows() {
        return countOf("SELECT count(*) FROM raw.\"Patient\"");
    }

    long typedRows() {
        return countOf("SELECT count(*) FROM patient");
    }

    long countOf(String sql) {
        return warehouse.query(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    LoadReport load(String... lines) {
        exportN++;
        return loader.load(chunks.add("e" + exportN + "/Patient-0.ndjson", "Patient", 0, List.of(lines)));
    }

    String family(String id) {
        return warehouse.query(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT family FROM patient WHERE _resource_key = '" + id + "'")) {
                List<String> all = new ArrayList<>();
                while (rs.next()) {
                    all.add(rs.getString(1));
                }
                assertThat(all).hasSizeLessThanOrEqualTo(1);
                return all.isEmpty() ? null : all.get(0);
            }
        });
    }

    @Test
    void aLaterLastUpdatedWinsWhicheverArrivesFirst() {
        load(patient("p", "2", "2024-05-01T10:00:00Z", "New"));
        LoadReport older = load(patient("p", "1", "2024-04-01T10:00:00Z", "Old"));
        assertThat(older.applied()).isZero();
        assertThat(older.rowsLoaded()).isEqualTo(1);
        assertThat(family("p")).isEqualTo("New");
        load(patient("p", "3", "2024-06-01T10:00:00Z", "Newest"));
        assertThat(family("p")).isEqualTo("Newest");
    }

    @Test
    void onEqualLastUpdatedTheVersionIdComparesAsANumber() {
        load(patient("p", "9", "2024-05-01T10:00:00Z", "Nine"));
        load(patient("p", "10", "2024-05-01T10:00:00Z", "Ten"));
        assertThat(family("p")).isEqualTo("Ten");
        load(patient("p", "9", "2024-05-01T10:00:00Z", "NineAgain"));
        assertThat(family("p")).isEqualTo("Ten");
    }

    @Test
    void lastUpdatedDecidesBeforeVersionId() {
        load(patient("p", "10", "2024-05-01T10:00:00Z", "Ten"));
        load(patient("p", "2", "2024-05-02T10:00:00Z", "LaterButLowerVersion"));
        assertThat(family("p")).isEqualTo("LaterButLowerVersion");
    }

    @Test
    void instantsWithDifferentOffsetsCompareAsInstants() {
        load(patient("p", "1", "2024-05-01T12:00:00+02:00", "TenUtc")); // 10:00Z
        load(patient("p", "2", "2024-05-01T09:30:00Z", "NineThirtyUtc")); // earlier despite the text
        assertThat(family("p")).isEqualTo("TenUtc");
        load(patient("p", "3", "2024-05-01T10:00:00.001Z", "Later"));
        assertThat(family("p")).isEqualTo("Later");
    }

    @Test
    void missingMetaIsOlderThanAnyPresentValue() {
        load(patient("p", null, null, "NoMeta"));
        load(patient("p", "1", null, "VersionOnly"));
        assertThat(family("p")).isEqualTo("VersionOnly");
        load(patient("p", null, "2024-01-01T00:00:00Z", "Dated"));
        assertThat(family("p")).isEqualTo("Dated");
        load(patient("p", "7", null, "UndatedAgain"));
        assertThat(family("p")).isEqualTo("Dated");
    }

    @Test
    void anEqualVersionKeepsWhatIsStored() {
        load(patient("p", "1", "2024-05-01T10:00:00Z", "First"));
        LoadReport again = load(patient("p", "1", "2024-05-01T10:00:00Z", "SameVersionOtherText"));
        assertThat(again.applied()).isZero();
        assertThat(family("p")).isEqualTo("First");
    }

    @Test
    void withinOneChunkTheNewestVersionOfAnIdIsKept() {
        LoadReport r = load(
                patient("p", "1", "2024-05-01T10:00:00Z", "One"),
                patient("p", "3", "2024-05-03T10:00:00Z", "Three"),
                patient("p", "2", "2024-05-02T10:00:00Z", "Two"));
        assertThat(r.rowsLoaded()).isEqualTo(3);
        assertThat(r.applied()).isEqualTo(1);
        assertThat(family("p")).isEqualTo("Three");
        long rawRows = warehouse.query(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), max(version_id) FROM raw.\"Patient\"")) {
                rs.next();
                assertThat(rs.getString(2)).isEqualTo("3");
                return rs.getLong(1);
            }
        });
        assertThat(rawRows).isEqualTo(1);
    }

    /** New ids, a newer version of a stored id and an older one of another, in one chunk. */
    @Test
    void aMixedChunkAddsNewIdsReplacesOlderStoredOnesAndKeepsNewerStoredOnes() {
        load(patient("a", "1", "2024-05-01T10:00:00Z", "A1"), patient("b", "5", "2024-05-05T10:00:00Z", "B5"));
        LoadReport r = load(
                patient("a", "2", "2024-05-02T10:00:00Z", "A2"),
                patient("b", "4", "2024-05-04T10:00:00Z", "B4"),
                patient("c", "1", "2024-05-01T10:00:00Z", "C1"));
        assertThat(r.applied()).isEqualTo(2);
        assertThat(family("a")).isEqualTo("A2");
        assertThat(family("b")).isEqualTo("B5");
        assertThat(family("c")).isEqualTo("C1");
        assertThat(rawRows()).isEqualTo(3);
        assertThat(typedRows()).isEqualTo(3);
    }

    /**
     * The same chunk blob name cut again from other bytes (a new ledger id, the old rows still
     * carrying the name): the latest-version rule still leaves one row per id.
     */
    @Test
    void aChunkNameCutAgainFromOtherBytesStillLeavesOneRowPerId() {
        loader.load(chunks.add(
                "e1/Patient-0.ndjson",
                "Patient",
                0,
                List.of(
                        patient("a", "1", "2024-05-01T10:00:00Z", "A1"),
                        patient("b", "1", "2024-05-01T10:00:00Z", "B1"))));
        LoadReport again = loader.load(chunks.add(
                "e1/Patient-0.ndjson",
                "Patient",
                0,
                List.of(
                        patient("a", "2", "2024-05-02T10:00:00Z", "A2"),
                        patient("b", "1", "2024-05-01T10:00:00Z", "B1"),
                        patient("c", "1", "2024-05-01T10:00:00Z", "C1"))));
        assertThat(again.alreadyLoaded()).isFalse();
        assertThat(family("a")).isEqualTo("A2");
        assertThat(family("b")).isEqualTo("B1");
        assertThat(family("c")).isEqualTo("C1");
        assertThat(rawRows()).isEqualTo(3);
        assertThat(typedRows()).isEqualTo(3);
    }

    @Test
    void theOrderingRanksVersionsAsDocumented() {
        Object[][] cases = {
            // a_updated, a_version, b_updated, b_version: 1 a is newer, -1 b is newer, 0 equal
            {"2024-01-02T00:00:00Z", "1", "2024-01-01T00:00:00Z", "5", 1},
            {"2024-01-01T00:00:00Z", "10", "2024-01-01T00:00:00Z", "9", 1},
            {"2024-01-01T00:00:00Z", "9", "2024-01-01T00:00:00Z", "10", -1},
            {"2024-01-01T00:00:00Z", "3", "2024-01-01T00:00:00Z", "3", 0},
            {null, "5", "2024-01-01T00:00:00Z", "1", -1},
            {"2024-01-01T00:00:00Z", null, null, "9", 1},
            {"2024-01-01T00:00:00Z", "2", "2024-01-01T00:00:00Z", null, 1},
            {"2024-01-01T00:00:00Z", "b", "2024-01-01T00:00:00Z", "a", 1},
            {"2024-01-01T00:00:00Z", "1", "2024-01-01T00:00:00Z", "a", 1},
        };
        for (Object[] c : cases) {
            int order = warehouse.query(conn -> {
                try (var p = conn.prepareStatement("SELECT name, rank() OVER (ORDER BY "
                        + LatestVersionSql.ORDER_NEWEST_FIRST + ") FROM (VALUES "
                        + "('a', CAST(? AS TIMESTAMPTZ), CAST(? AS VARCHAR)), "
                        + "('b', CAST(? AS TIMESTAMPTZ), CAST(? AS VARCHAR))) v(name, last_updated, version_id) "
                        + "ORDER BY name")) {
                    for (int i = 0; i < 4; i++) {
                        p.setObject(i + 1, c[i]);
                    }
                    try (ResultSet rs = p.executeQuery()) {
                        rs.next();
                        long a = rs.getLong(2);
                        rs.next();
                        long b = rs.getLong(2);
                        return Long.compare(b, a);
                    }
                }
            });
            assertThat(order).as(java.util.Arrays.toString(c)).isEqualTo(c[4]);
        }
    }
}
