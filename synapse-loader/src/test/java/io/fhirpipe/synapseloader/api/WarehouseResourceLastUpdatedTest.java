package io.fhirpipe.synapseloader.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.duckdb.TypedStorage;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.views.LoaderViews;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** GET /warehouse/views/{view}/last-updated: which version of each asked-for id the typed view holds. */
class WarehouseResourceLastUpdatedTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TypedStorage.class)
    void answersTheLastUpdatedOfTheNewestLoadedVersionByIdAndRefusesUnknownViews(TypedStorage typed) {
        LoaderViews views = LoaderViews.compile(
                new DuckDbDialect(),
                Optional.empty(),
                DuckDbWarehouse.CHUNK_TABLE,
                DuckDbWarehouse::rawTable,
                Optional.of(List.of("Patient")));
        try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(
                dir.resolve("w.duckdb"),
                views,
                dir.resolve("work"),
                Optional.empty(),
                Optional.of(1),
                typed,
                Optional.empty())) {
            LocalChunks chunks = new LocalChunks(dir);
            ChunkLoader loader = new ChunkLoader(
                    warehouse,
                    chunks,
                    (c, r) -> {},
                    Optional.empty(),
                    Optional.empty(),
                    dir.resolve("work"),
                    Clock.systemUTC());
            loader.load(chunks.add(
                    "e1/Patient-0.ndjson",
                    "Patient",
                    0,
                    List.of(
                            patient("a", "1", "2026-12-03T15:00:00.123+01:00"),
                            patient("b", "1", "2026-12-03T14:00:00.000Z"))));
            // a later export brings a's second version
            loader.load(chunks.add(
                    "e2/Patient-0.ndjson", "Patient", 0, List.of(patient("a", "2", "2026-12-03T14:30:00.456Z"))));
            WarehouseResource resource = new WarehouseResource();
            resource.warehouse = warehouse;

            Response ok = resource.lastUpdated("patient", List.of("a", "b", "never-loaded"));
            assertThat(ok.getStatus()).isEqualTo(200);
            assertThat(((WarehouseResource.LastUpdated) ok.getEntity()).rows())
                    .isEqualTo(Map.of("a", "2026-12-03T14:30:00.456Z", "b", "2026-12-03T14:00:00Z"));

            assertThat(resource.lastUpdated("no_such_view", List.of("a")).getStatus())
                    .isEqualTo(404);
            // quoting, not concatenation: a name that would be SQL is just an unknown view
            assertThat(resource.lastUpdated("patient\" --", List.of("a")).getStatus())
                    .isEqualTo(404);
            assertThat(resource.lastUpdated("patient", List.of()).getStatus()).isEqualTo(400);
        }
    }

    @org.junit.jupiter.api.Test
    void withoutALocalWarehouseItAnswers404() {
        WarehouseResource resource = new WarehouseResource();
        resource.warehouse = new LoadOnlyWarehouse();
        assertThat(resource.lastUpdated("patient", List.of("a")).getStatus()).isEqualTo(404);
    }

    private static String patient(String id, String version, String lastUpdated) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version
                + "\",\"lastUpdated\":\"" + lastUpdated + "\"}}";
    }
}
