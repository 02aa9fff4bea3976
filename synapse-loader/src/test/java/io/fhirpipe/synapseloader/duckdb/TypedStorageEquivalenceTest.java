package io.fhirpipe.synapseloader.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.Synthetic;
import io.fhirpipe.synapseloader.curated.CuratedSink;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.load.LoadReport;
import io.fhirpipe.synapseloader.views.LoaderViews;
import io.fhirpipe.synapseloader.views.TypedView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fhirpipe.loader.duckdb.typed=views} gives exactly the rows of {@code tables}: the same
 * chunks go to one warehouse of each kind, and after every step every default view holds the same
 * rows in both (besides the exact expectations of each case); curated Parquet from views reads back
 * equal to the view and to the tables' Parquet; switching an existing database between the two
 * keeps its rows.
 */
class TypedStorageEquivalenceTest {

    @TempDir
    Path dir;

    LoaderViews views;
    LocalChunks chunks;
    DuckDbWarehouse tables;
    DuckDbWarehouse viewsWarehouse;
    ChunkLoader tablesLoader;
    ChunkLoader viewsLoader;

    @BeforeEach
    void open() throws Exception {
        views = LoaderViews.compile(
                new DuckDbDialect(),
                Optional.empty(),
                DuckDbWarehouse.CHUNK_TABLE,
                DuckDbWarehouse::rawTable,
                Optional.empty());
        chunks = new LocalChunks(Files.createDirectories(dir.resolve("chunks")));
        tables = open("tables", TypedStorage.TABLES);
        viewsWarehouse = open("views", TypedStorage.VIEWS);
        tablesLoader = loader(tables);
        viewsLoader = loader(viewsWarehouse);
    }

    DuckDbWarehouse open(String name, TypedStorage typed) {
        return DuckDbWarehouse.open(
                dir.resolve(name + ".duckdb"),
                views,
                dir.resolve(name + "-work"),
                Optional.empty(),
                Optional.of(1),
                typed,
                Optional.of("256MB"));
    }

    ChunkLoader loader(DuckDbWarehouse w) {
        return new ChunkLoader(
                w,
                chunks,
                (c, r) -> {},
                Optional.empty(),
                Optional.empty(),
                dir.resolve("work"),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        tables.close();
        viewsWarehouse.close();
    }

    /** Delivers a chunk to both warehouses; the reports must agree. */
    LoadReport deliver(String sourceBlob, String type, List<?> lines) {
        List<String> text = lines.stream()
                .map(o -> o instanceof Synthetic.Resource r ? r.json() : o.toString())
                .toList();
        ChunkReady chunk = chunks.add(sourceBlob, type, 0, text);
        LoadReport t = tablesLoader.load(chunk);
        LoadReport v = viewsLoader.load(chunk);
        assertThat(v.rowsLoaded()).isEqualTo(t.rowsLoaded());
        assertThat(v.rowsRejected()).isEqualTo(t.rowsRejected());
        assertThat(v.applied()).isEqualTo(t.applied());
        assertThat(v.alreadyLoaded()).isEqualTo(t.alreadyLoaded());
        assertSameTypedRows();
        return v;
    }

    /** Every view's rows, sorted, as text, per view. */
    Map<String, List<String>> typedRows(DuckDbWarehouse w) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (TypedView view : views.all()) {
            all.put(view.table(), rows(w, "SELECT * FROM \"" + view.table() + "\" ORDER BY ALL"));
        }
        return all;
    }

    static List<String> rows(DuckDbWarehouse w, String sql) {
        return w.query(c -> {
            List<String> rows = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder b = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        b.append(rs.getMetaData().getColumnLabel(i))
                                .append('=')
                                .append(rs.getString(i))
                                .append(';');
                    }
                    rows.add(b.toString());
                }
            }
            return rows;
        });
    }

    static long count(DuckDbWarehouse w, String sql) {
        return w.query(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    void assertSameTypedRows() {
        Map<String, List<String>> expected = typedRows(tables);
        assertThat(expected).hasSize(views.all().size());
        assertThat(typedRows(viewsWarehouse)).isEqualTo(expected);
    }

    String relationType(DuckDbWarehouse w, String name) {
        return rows(
                        w,
                        "SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' "
                                + "AND table_name = '" + name + "'")
                .toString();
    }

    @Test
    void theTypedRowsAreViewsOverTheRawTables() {
        assertThat(relationType(viewsWarehouse, "patient")).isEqualTo("[table_type=VIEW;]");
        assertThat(relationType(tables, "patient")).isEqualTo("[table_type=BASE TABLE;]");
        assertThat(viewsWarehouse.typed()).isEqualTo(TypedStorage.VIEWS);
    }

    @Test
    void everyDefaultTypeGivesTheSameRowsWithTheSourceValues() {
        deliver(
                "e1/Patient-0.ndjson",
                "Patient",
                List.of(
                        Synthetic.patient("p1", 1, "1", "2024-05-01T10:00:00Z"),
                        Synthetic.patient("p2", 2, "1", "2024-05-01T10:00:00Z")));
        Synthetic.Resource obs = Synthetic.observation("o1", 1, "p1", "2024-05-01T10:00:00Z");
        deliver(
                "e1/Observation-0.ndjson",
                "Observation",
                List.of(obs, Synthetic.observation("o2", 2, "p2", "2024-05-01T10:00:00Z")));
        deliver(
                "e1/Encounter-0.ndjson",
                "Encounter",
                List.of(Synthetic.encounter("en1", 1, "p1", "2024-05-01T10:00:00Z")));
        deliver(
                "e1/Condition-0.ndjson",
                "Condition",
                List.of(Synthetic.condition("c1", 1, "p1", "2024-05-01T10:00:00Z")));
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM patient")).isEqualTo(2);
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM observation")).isEqualTo(2);
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM encounter")).isEqualTo(1);
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM condition")).isEqualTo(1);
        assertThat(rows(viewsWarehouse, "SELECT official_family, gender FROM patient WHERE _resource_key = 'p1'"))
                .containsExactly("official_family="
                        + Synthetic.patient("p1", 1, "1", "2024-05-01T10:00:00Z")
                                .expected()
                                .get("official_family") + ";gender=male;");
        assertThat(rows(viewsWarehouse, "SELECT patient_id FROM observation WHERE _resource_key = 'o1'"))
                .containsExactly("patient_id=p1;");
    }

    @Test
    void aChunkDeliveredTwiceIsAppliedOnce() {
        LoadReport first = deliver(
                "e1/Patient-0.ndjson", "Patient", List.of(Synthetic.patient("p1", 1, "1", "2024-05-01T10:00:00Z")));
        assertThat(first.applied()).isEqualTo(1);
        ChunkReady again = chunks.add(
                "e1/Patient-0.ndjson",
                "Patient",
                0,
                List.of(Synthetic.patient("p1", 1, "1", "2024-05-01T10:00:00Z").json()));
        LoadReport t = tablesLoader.load(again);
        LoadReport v = viewsLoader.load(again);
        assertThat(v.alreadyLoaded()).isTrue();
        assertThat(t.alreadyLoaded()).isTrue();
        assertThat(v.rowsLoaded()).isEqualTo(1);
        assertSameTypedRows();
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM patient")).isEqualTo(1);
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM fhirpipe_state.chunk_ledger"))
                .isEqualTo(1);
    }

    @Test
    void chunksDeliveredNewestFirstLeaveTheNewestVersion() {
        deliver("e2/Patient-0.ndjson", "Patient", List.of(Synthetic.patient("p1", 2, "2", "2024-06-01T10:00:00Z")));
        LoadReport older = deliver(
                "e1/Patient-0.ndjson", "Patient", List.of(Synthetic.patient("p1", 1, "1", "2024-05-01T10:00:00Z")));
        assertThat(older.applied()).isZero();
        assertThat(rows(viewsWarehouse, "SELECT official_family FROM patient"))
                .containsExactly("official_family=Family2;");
    }

    @Test
    void anUpdateInALaterExportReplacesTheRowsOfThatResourceOnly() {
        deliver(
                "e1/Observation-0.ndjson",
                "Observation",
                List.of(
                        Synthetic.observation("o1", 1, "p1", "2024-05-01T10:00:00Z"),
                        Synthetic.observation("o2", 2, "p1", "2024-05-01T10:00:00Z")));
        deliver(
                "e2/Observation-0.ndjson",
                "Observation",
                List.of(Synthetic.observation("o1", 40, "p9", "2024-07-01T10:00:00Z")));
        assertThat(rows(viewsWarehouse, "SELECT _resource_key, patient_id FROM observation ORDER BY 1"))
                .containsExactly("_resource_key=o1;patient_id=p9;", "_resource_key=o2;patient_id=p1;");
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM raw.\"Observation\" WHERE export_id = 'e2'"))
                .isEqualTo(1);
    }

    @Test
    void aDeletedResourceIsRemovedAndTombstonedSoOnlyANewerVersionBringsItBack() {
        deliver(
                "e1/Patient-0.ndjson",
                "Patient",
                List.of(
                        Synthetic.patient("d1", 1, "1", "2024-05-01T10:00:00Z"),
                        Synthetic.patient("d2", 2, "1", "2024-05-01T10:00:00Z")));
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"meta\":{\"lastUpdated\":"
                + "\"2024-06-01T00:00:00Z\"},\"entry\":[{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/d1\"}}]}";
        LoadReport deleted = deliver("e2/deleted/Patient-0.ndjson", "Patient", List.of(bundle));
        assertThat(deleted.applied()).isEqualTo(1);
        assertThat(rows(viewsWarehouse, "SELECT _resource_key FROM patient")).containsExactly("_resource_key=d2;");
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM fhirpipe_state.deleted_resources WHERE id = 'd1'"))
                .isEqualTo(1);

        deliver("e0/Patient-0.ndjson", "Patient", List.of(Synthetic.patient("d1", 3, "1", "2024-05-15T00:00:00Z")));
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM patient WHERE _resource_key = 'd1'"))
                .isZero();

        deliver("e3/Patient-0.ndjson", "Patient", List.of(Synthetic.patient("d1", 4, "2", "2024-07-01T00:00:00Z")));
        assertThat(rows(viewsWarehouse, "SELECT official_family FROM patient WHERE _resource_key = 'd1'"))
                .containsExactly("official_family=Family4;");
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM fhirpipe_state.deleted_resources"))
                .isZero();
    }

    /** A chunk with versions from before and after a deletion: the later one stands, one row. */
    @Test
    void aTombstoneHoldsBackOnlyTheVersionsItOutlivesWithinOneChunk() {
        deliver("e1/Patient-0.ndjson", "Patient", List.of(Synthetic.patient("d1", 1, "1", "2024-05-01T10:00:00Z")));
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"meta\":{\"lastUpdated\":"
                + "\"2024-06-01T00:00:00Z\"},\"entry\":[{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/d1\"}}]}";
        deliver("e2/deleted/Patient-0.ndjson", "Patient", List.of(bundle));
        LoadReport mixed = deliver(
                "e3/Patient-0.ndjson",
                "Patient",
                List.of(
                        Synthetic.patient("d1", 2, "2", "2024-05-20T00:00:00Z"),
                        Synthetic.patient("d1", 3, "3", "2024-06-02T00:00:00Z"),
                        Synthetic.patient("d9", 9, "1", "2024-06-02T00:00:00Z")));
        assertThat(mixed.applied()).isEqualTo(2);
        assertThat(rows(viewsWarehouse, "SELECT _resource_key, official_family FROM patient ORDER BY 1"))
                .containsExactly(
                        "_resource_key=d1;official_family=Family3;", "_resource_key=d9;official_family=Family9;");
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM raw.\"Patient\""))
                .isEqualTo(2);
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM fhirpipe_state.deleted_resources"))
                .isZero();
    }

    @Test
    void curatedParquetFromViewsReadsBackEqualToTheViewAndToTheTablesParquet() throws Exception {
        deliver(
                "e1/Patient-0.ndjson",
                "Patient",
                List.of(
                        Synthetic.patient("p1", 1, "1", "2024-05-01T10:00:00Z"),
                        Synthetic.patient("p2", 5, "1", "2024-05-01T10:00:00Z")));
        Synthetic.Resource bp = Synthetic.bloodPressure("bp1", "p1", "2024-05-01T10:00:00Z");
        deliver(
                "e1/Observation-0.ndjson",
                "Observation",
                List.of(Synthetic.observation("o1", 1, "p1", "2024-05-01T10:00:00Z"), bp));
        // the components view has a row per component, the first with the panel's keys beside
        assertThat(rows(
                        viewsWarehouse,
                        "SELECT observation_id, patient_id, component_index, code, value_quantity,"
                                + " value_unit FROM observation_component ORDER BY component_index"))
                .containsExactly(
                        "observation_id=bp1;patient_id=p1;component_index=0;code=8480-6;value_quantity=179.0;"
                                + "value_unit=mm[Hg];",
                        "observation_id=bp1;patient_id=p1;component_index=1;code=8462-4;"
                                + "value_quantity=101.0;value_unit=mm[Hg];");
        Path tablesOut = Files.createDirectories(dir.resolve("curated-tables"));
        Path viewsOut = Files.createDirectories(dir.resolve("curated-views"));
        tables.snapshots().flush(copyTo(tablesOut));
        viewsWarehouse.snapshots().flush(copyTo(viewsOut));
        List<String> written;
        try (var files = Files.list(viewsOut)) {
            written = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> expectedFiles = views.forType("Observation").stream()
                .map(v -> "Observation-" + v.table() + ".parquet")
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        views.forType("Patient").forEach(v -> expectedFiles.add("Patient-" + v.table() + ".parquet"));
        assertThat(written).containsExactlyInAnyOrderElementsOf(expectedFiles);
        for (String file : written) {
            String view = file.substring(file.indexOf('-') + 1, file.length() - ".parquet".length());
            List<String> fromViews =
                    rows(viewsWarehouse, "SELECT * FROM read_parquet('" + viewsOut.resolve(file) + "') ORDER BY ALL");
            assertThat(fromViews)
                    .as(file)
                    .isNotEmpty()
                    .isEqualTo(
                            rows(viewsWarehouse, "SELECT * EXCLUDE (_resource_key) FROM \"" + view + "\" ORDER BY ALL"))
                    .isEqualTo(rows(
                            viewsWarehouse,
                            "SELECT * FROM read_parquet('" + tablesOut.resolve(file) + "') ORDER BY ALL"));
            assertThat(fromViews.get(0)).doesNotContain(LoaderViews.RESOURCE_KEY);
        }
        assertThat(count(viewsWarehouse, "SELECT count(*) FROM fhirpipe_state.curated_pending"))
                .isZero();
    }

    static CuratedSink copyTo(Path folder) {
        return (type, view, file) -> {
            try {
                Files.copy(file, folder.resolve(type + "-" + view + ".parquet"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    @Test
    void switchingAnExistingDatabaseBetweenTablesAndViewsKeepsItsRows() {
        deliver(
                "e1/Patient-0.ndjson",
                "Patient",
                List.of(
                        Synthetic.patient("p1", 1, "1", "2024-05-01T10:00:00Z"),
                        Synthetic.patient("p2", 2, "1", "2024-05-01T10:00:00Z")));
        Map<String, List<String>> expected = typedRows(tables);
        tables.snapshots().flush(copyTo(dir));
        tables.close();

        tables = open("tables", TypedStorage.VIEWS);
        assertThat(relationType(tables, "patient")).isEqualTo("[table_type=VIEW;]");
        assertThat(typedRows(tables)).isEqualTo(expected);
        // the typed rows were rebuilt: the curated snapshot must be written again
        assertThat(count(tables, "SELECT count(*) FROM fhirpipe_state.curated_pending WHERE resource_type = 'Patient'"))
                .isEqualTo(1);
        tables.close();

        tables = open("tables", TypedStorage.TABLES);
        assertThat(relationType(tables, "patient")).isEqualTo("[table_type=BASE TABLE;]");
        assertThat(typedRows(tables)).isEqualTo(expected);
        tablesLoader = loader(tables);
        deliver("e2/Patient-0.ndjson", "Patient", List.of(Synthetic.patient("p1", 7, "2", "2024-06-01T10:00:00Z")));
        assertThat(rows(tables, "SELECT official_family FROM patient WHERE _resource_key = 'p1'"))
                .containsExactly("official_family=Family7;");
    }
}
