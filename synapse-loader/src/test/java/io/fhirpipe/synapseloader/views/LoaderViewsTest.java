package io.fhirpipe.synapseloader.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.ViewCompilationException;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderViewsTest {

    @TempDir
    Path dir;

    static LoaderViews compile(Optional<Path> views, Optional<List<String>> types) {
        return LoaderViews.compile(
                new DuckDbDialect(), views, DuckDbWarehouse.CHUNK_TABLE, DuckDbWarehouse::rawTable, types);
    }

    @Test
    void everyViewGetsTheResourceKeyFirstAndReadsTheChunkOrTheRawTable() {
        TypedView patient =
                compile(Optional.empty(), Optional.empty()).forType("Patient").get(0);
        assertThat(patient.table()).isEqualTo("patient");
        assertThat(patient.columns()).startsWith("id").doesNotContain(LoaderViews.RESOURCE_KEY);
        // The key is the first column and reads the resource's id, however the dialect reads paths.
        String fromChunk = patient.selectFromChunk();
        assertThat(fromChunk).startsWith("SELECT ");
        assertThat(fromChunk.substring(0, fromChunk.indexOf(','))).endsWith(" AS \"_resource_key\"");
        assertThat(fromChunk)
                .contains("'$.id'")
                .contains("\"temp\".\"_chunk_rows\"")
                .doesNotContain("\"raw\".\"Patient\"");
        assertThat(patient.selectFromRaw()).contains("\"raw\".\"Patient\"").doesNotContain("_chunk_rows");
    }

    @Test
    void observationsFeedTheirOwnViewAndOneRowPerComponent() {
        assertThat(compile(Optional.empty(), Optional.empty()).forType("Observation"))
                .extracting(TypedView::table)
                .containsExactly("observation", "observation_component");
    }

    @Test
    void resourceTypesLimitTheViews() {
        LoaderViews only = compile(Optional.empty(), Optional.of(List.of("Observation")));
        assertThat(only.all()).extracting(TypedView::resourceType).containsOnly("Observation");
        assertThat(only.forType("Patient")).isEmpty();
    }

    @Test
    void aUserViewWithAnUnsupportedExpressionFailsNamingViewColumnAndExpression() throws Exception {
        Files.writeString(dir.resolve("bad.json"), """
                {"resourceType":"ViewDefinition","name":"bad_view","resource":"Patient","select":[{"column":[
                  {"name":"n","path":"name.count()"}]}]}""");
        assertThatThrownBy(() -> compile(Optional.of(dir), Optional.empty()))
                .isInstanceOf(ViewCompilationException.class)
                .hasMessageContaining("bad_view")
                .hasMessageContaining("name.count()");
    }

    @Test
    void aUserViewNamedLikeADefaultReplacesIt() throws Exception {
        Files.writeString(dir.resolve("patient.json"), """
                {"resourceType":"ViewDefinition","name":"patient","resource":"Patient","select":[{"column":[
                  {"name":"id","path":"getResourceKey()"},{"name":"gender","path":"gender"}]}]}""");
        assertThat(compile(Optional.of(dir), Optional.empty()).forType("Patient"))
                .singleElement()
                .satisfies(v -> assertThat(v.columns()).containsExactly("id", "gender"));
    }
}
