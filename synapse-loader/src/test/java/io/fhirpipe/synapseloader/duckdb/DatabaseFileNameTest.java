package io.fhirpipe.synapseloader.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.views.LoaderViews;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DuckDB's catalog is named after the file: a file named like one of our schemas made every query ambiguous. */
class DatabaseFileNameTest {

    @Test
    void aFileNamedFhirpipeOpensBecauseTheStateSchemaHasItsOwnName(@TempDir Path dir) throws Exception {
        LoaderViews views = LoaderViews.compile(
                new DuckDbDialect(),
                Optional.empty(),
                DuckDbWarehouse.CHUNK_TABLE,
                DuckDbWarehouse::rawTable,
                Optional.empty());
        try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(
                dir.resolve("fhirpipe.duckdb"), views, dir.resolve("work"), Optional.empty(), Optional.empty())) {
            warehouse.lock().lock();
            try {
                assertThat(warehouse.ledger("no-such-chunk")).isEmpty();
            } finally {
                warehouse.lock().unlock();
            }
        }
    }

    @Test
    void aFileNamedLikeASchemaIsRefusedWithAClearMessage(@TempDir Path dir) {
        assertThatThrownBy(() -> DuckDbSchema.requireUnambiguousCatalog(dir.resolve("raw.duckdb")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'raw.duckdb' would make it 'raw'")
                .hasMessageContaining("fhirpipe.loader.duckdb.path");
    }
}
