package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Leading key columns and an extra condition, as loaders use them for partial refreshes. */
class KeyedCompileTest {

    @Test
    void leadingColumnsAndExtraConditionRestrictRows() throws Exception {
        ViewDefinition view = new ViewDefinitionParser().parse("""
        {"name":"patient_name","resource":"Patient","select":[
          {"forEach":"name","column":[{"name":"family","path":"family"}]}]}""");
        String r = ViewCompiler.ROW_ALIAS;
        CompiledView keyed = new ViewCompiler(new DuckDbDialect(), "raw_resources", "resource")
                .compile(
                        view,
                        List.of("json_extract_string(" + r + ".\"resource\", '$.id') AS k"),
                        "json_extract_string(" + r + ".\"resource\", '$.id') IN ('p2')");
        assertThat(keyed.columns()).containsExactly("family");
        assertThat(keyed.select())
                .startsWith("SELECT json_extract_string(r.\"resource\", '$.id') AS k, ")
                .endsWith(" AND json_extract_string(r.\"resource\", '$.id') IN ('p2')");
        try (DuckDbFixture duck = new DuckDbFixture()) {
            assertThat(duck.rows(keyed.select())).containsExactly(Arrays.asList("p2", "O'Brien"));
        }
    }
}
