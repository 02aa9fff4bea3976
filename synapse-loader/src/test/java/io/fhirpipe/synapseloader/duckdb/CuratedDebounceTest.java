package io.fhirpipe.synapseloader.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.LocalChunks;
import io.fhirpipe.synapseloader.curated.CuratedSink;
import io.fhirpipe.synapseloader.load.ChunkLoader;
import io.fhirpipe.synapseloader.views.LoaderViews;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debounced curated snapshots: within the interval loads only leave the pending marker; once it
 * has passed, or on a flush, every pending type is written with the tables' current rows and the
 * marker is cleared.
 */
class CuratedDebounceTest {

    @TempDir
    Path dir;

    DuckDbWarehouse warehouse;
    LocalChunks chunks;
    ChunkLoader loader;
    /** (type/view, row count of the Parquet file) per put. */
    final List<String> puts = new ArrayList<>();

    CuratedSink sink;

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
                Optional.of(List.of("Patient")));
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
                Clock.systemUTC());
        sink = (type, view, file) -> puts.add(type + "/" + view + "="
                + warehouse.query(c -> {
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + file + "')")) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }));
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    void loadPatients(String export, String... ids) {
        List<String> lines = new ArrayList<>();
        for (String id : ids) {
            lines.add("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"gender\":\"female\"}");
        }
        loader.load(chunks.add(export + "/Patient-0.ndjson", "Patient", 0, lines));
    }

    List<String> pending() {
        return warehouse.query(c -> {
            List<String> types = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT resource_type FROM fhirpipe_state.curated_pending")) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
            return types;
        });
    }

    boolean ifDue(Duration interval) {
        warehouse.lock().lock();
        try {
            return warehouse.snapshots().publishIfDue(sink, interval);
        } finally {
            warehouse.lock().unlock();
        }
    }

    @Test
    void withinTheIntervalOnlyTheMarkerIsLeftThenAFlushWritesTheCurrentRows() {
        loadPatients("e1", "a", "b");
        assertThat(ifDue(Duration.ofHours(1))).isFalse();
        loadPatients("e2", "c");
        assertThat(ifDue(Duration.ofHours(1))).isFalse();
        assertThat(puts).isEmpty();
        assertThat(pending()).containsExactly("Patient");

        warehouse.snapshots().flush(sink);
        assertThat(puts).containsExactly("Patient/patient=3");
        assertThat(pending()).isEmpty();

        // nothing pending: a flush writes nothing
        warehouse.snapshots().flush(sink);
        assertThat(puts).hasSize(1);
    }

    @Test
    void onceTheIntervalHasPassedTheNextCallWritesAndRestartsTheInterval() throws Exception {
        loadPatients("e1", "a");
        Thread.sleep(60);
        assertThat(ifDue(Duration.ofMillis(50))).isTrue();
        assertThat(puts).containsExactly("Patient/patient=1");
        loadPatients("e2", "b");
        assertThat(ifDue(Duration.ofHours(1))).isFalse();
        assertThat(puts).hasSize(1);
        assertThat(pending()).containsExactly("Patient");
    }

    @Test
    void aFailedUploadKeepsTheMarkerAndIsRetriedAtOnce() {
        loadPatients("e1", "a");
        CuratedSink failing = (type, view, file) -> {
            throw new IllegalStateException("storage down");
        };
        assertThatThrownBy(() -> warehouse.snapshots().flush(failing)).hasMessage("storage down");
        assertThat(pending()).containsExactly("Patient");
        // the marker survived, so the next flush (the timer) writes it
        warehouse.snapshots().flush(sink);
        assertThat(puts).containsExactly("Patient/patient=1");
        assertThat(pending()).isEmpty();
    }

    @Test
    void publishingNeedsTheLock() {
        assertThatThrownBy(() -> warehouse.snapshots().publishIfDue(sink, Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
    }
}
