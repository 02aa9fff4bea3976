package io.fhirpipe.synapseloader.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.duckdb.TypedStorage;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.views.LoaderViews;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /warehouse/tables lists typed views with their row counts, as it lists typed tables. */
class WarehouseResourceViewsTest {

    @TempDir
    Path dir;

    List<WarehouseResource.Table> tables(TypedStorage typed) {
        LoaderViews views = LoaderViews.compile(
                new DuckDbDialect(),
                Optional.empty(),
                DuckDbWarehouse.CHUNK_TABLE,
                DuckDbWarehouse::rawTable,
                Optional.of(List.of("Patient")));
        try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(
                dir.resolve(typed.configName() + ".duckdb"),
                views,
                dir.resolve("work"),
                Optional.empty(),
                Optional.of(1),
                typed,
                Optional.empty())) {
            LocalChunks chunks = new LocalChunks(dir);
            new ChunkLoader(
                            warehouse,
                            chunks,
                            (c, r) -> {},
                            Optional.empty(),
                            Optional.empty(),
                            dir.resolve("work"),
                            Clock.systemUTC())
                    .load(chunks.add(
                            "e1/Patient-0.ndjson",
                            "Patient",
                            0,
                            List.of(
                                    "{\"resourceType\":\"Patient\",\"id\":\"a\"}",
                                    "{\"resourceType\":\"Patient\",\"id\":\"b\"}")));
            WarehouseResource resource = new WarehouseResource();
            resource.warehouse = warehouse;
            return ((WarehouseResource.Tables) resource.tables().getEntity()).tables();
        }
    }

    @Test
    void viewsAreListedWithTheirRowCountsLikeTables() {
        List<WarehouseResource.Table> fromViews = tables(TypedStorage.VIEWS);
        assertThat(fromViews)
                .contains(new WarehouseResource.Table("patient", 2), new WarehouseResource.Table("raw.Patient", 2));
        assertThat(fromViews).isEqualTo(tables(TypedStorage.TABLES));
        // DuckDB's own catalogue views (duckdb_tables, ...) are internal and stay out
        assertThat(fromViews).allSatisfy(t -> assertThat(t.name()).doesNotStartWith("duckdb_"));
    }
}
