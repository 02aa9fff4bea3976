package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.defaults.ViewCatalog;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.TSqlDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User directories add and replace views; compileAll fails fast on an unsupported one. */
class ViewCatalogTest {

    @TempDir
    Path dir;

    @Test
    void userFilesAddAndReplaceDefaults() throws Exception {
        Files.writeString(dir.resolve("patient.json"), """
        {"name":"patient","resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]}]}""");
        Files.writeString(dir.resolve("procedure.json"), """
        {"name":"procedure","resource":"Procedure","select":[{"column":[{"name":"id","path":"id"}]}]}""");
        Files.writeString(dir.resolve("specimen.json"), """
        {"name":"specimen","resource":"Specimen","select":[{"column":[{"name":"id","path":"id"}]}]}""");
        ViewCatalog catalog = ViewCatalog.withDefaults().overriddenBy(dir);
        assertThat(catalog.views())
                .extracting(ViewDefinition::name)
                .containsExactly(
                        "patient",
                        "encounter",
                        "observation",
                        "observation_component",
                        "condition",
                        "procedure",
                        "medication_request",
                        "immunization",
                        "allergy_intolerance",
                        "diagnostic_report",
                        "document_reference",
                        "organization",
                        "practitioner",
                        "location",
                        "specimen");
        List<CompiledView> compiled = catalog.compileAll(new TSqlDialect(), t -> "raw." + t, "resource");
        assertThat(compiled.get(0).columns()).containsExactly("id");
        assertThat(compiled.get(5).columns()).containsExactly("id"); // replaced default keeps its place
        assertThat(compiled.get(5).select()).contains("FROM [raw].[Procedure] AS r");
        assertThat(compiled.get(14).select()).contains("FROM [raw].[Specimen] AS r");
        assertThat(compiled.get(2).columnDefinitions())
                .filteredOn(c -> c.name().equals("value_quantity"))
                .singleElement()
                .satisfies(c -> assertThat(c.type()).isEqualTo("decimal"));
        assertThat(compiled.get(2).columnDefinitions())
                .filteredOn(c -> c.name().equals("effective"))
                .singleElement()
                .satisfies(c -> assertThat(c.ansiType()).isEqualTo("TIMESTAMP WITH TIME ZONE"));
    }

    @Test
    void compileAllFailsAtStartUpOnUnsupportedExpression() throws Exception {
        Files.writeString(dir.resolve("bad.json"), """
        {"name":"bad","resource":"Patient","select":[{"column":[{"name":"n","path":"name.count()"}]}]}""");
        ViewCatalog catalog = ViewCatalog.withDefaults().overriddenBy(dir);
        assertThatThrownBy(() -> catalog.compileAll(new TSqlDialect(), t -> t, "resource"))
                .isInstanceOf(ViewCompilationException.class)
                .hasMessageContaining("'bad'")
                .hasMessageContaining("'n'")
                .hasMessageContaining("'name.count()'");
    }
}
