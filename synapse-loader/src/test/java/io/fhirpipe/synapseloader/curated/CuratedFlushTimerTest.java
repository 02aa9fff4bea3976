package io.fhirpipe.synapseloader.curated;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.views.LoaderViews;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A debounced snapshot still reaches curated/: the timer writes it, and closing writes what is left. */
class CuratedFlushTimerTest {

    @TempDir
    Path dir;

    @Test
    void theTimerWritesTheSnapshotThatTheDebounceHeldBack() throws InterruptedException {
        LoaderViews views = LoaderViews.compile(
                new DuckDbDialect(),
                Optional.empty(),
                DuckDbWarehouse.CHUNK_TABLE,
                DuckDbWarehouse::rawTable,
                Optional.of(List.of("Patient")));
        List<String> puts = new CopyOnWriteArrayList<>();
        CuratedSink sink = (type, view, file) -> puts.add(type + "/" + view);
        try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(
                dir.resolve("w.duckdb"), views, dir.resolve("work"), Optional.empty(), Optional.empty())) {
            LocalChunks chunks = new LocalChunks(dir);
            ChunkLoader loader = new ChunkLoader(
                    warehouse,
                    chunks,
                    (c, r) -> {},
                    Optional.of(sink),
                    Duration.ofHours(1),
                    Optional.empty(),
                    dir.resolve("work"),
                    Clock.systemUTC());
            // The first snapshot is due (none yet); the second chunk's is held back for an hour...
            loader.load(chunks.add(
                    "e1/Patient-0.ndjson", "Patient", 0, List.of("{\"resourceType\":\"Patient\",\"id\":\"a\"}")));
            int afterFirst = puts.size();
            loader.load(chunks.add(
                    "e1/Patient-0.ndjson", "Patient", 1, List.of("{\"resourceType\":\"Patient\",\"id\":\"b\"}")));
            assertThat(puts).hasSize(afterFirst);
            // ...unless the timer writes it.
            try (CuratedFlushTimer timer =
                    new CuratedFlushTimer(warehouse.curated().orElseThrow(), sink, Duration.ofMillis(100))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (puts.size() == afterFirst && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
            assertThat(puts).as("the timer wrote the held-back snapshot").hasSizeGreaterThan(afterFirst);
            assertThat(puts.get(puts.size() - 1)).isEqualTo("Patient/patient");
        }
    }
}
