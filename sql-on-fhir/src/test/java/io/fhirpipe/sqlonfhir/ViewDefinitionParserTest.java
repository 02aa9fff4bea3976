package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.model.Column;
import io.fhirpipe.sqlonfhir.model.Constant;
import io.fhirpipe.sqlonfhir.model.SelectNode;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON shape maps onto the model, including nesting, unionAll and constants. */
class ViewDefinitionParserTest {

    @Test
    void parsesEveryField() {
        ViewDefinition v = new ViewDefinitionParser().parse("""
        {"resourceType":"ViewDefinition","name":"v","resource":"Patient",
         "constant":[{"name":"sys","valueUri":"urn:x"},{"name":"n","valueInteger":3}],
         "select":[{"column":[{"name":"id","path":"id"}],
                    "select":[{"forEach":"name","column":[{"name":"g","path":"given","collection":true,"type":"string"}]}],
                    "unionAll":[{"forEachOrNull":"telecom","column":[{"name":"t","path":"value"}]}]}],
         "where":[{"path":"active"}]}""");
        assertThat(v.name()).isEqualTo("v");
        assertThat(v.resource()).isEqualTo("Patient");
        assertThat(v.constants())
                .isEqualTo(Map.of("sys", new Constant("uri", "urn:x"), "n", new Constant("integer", "3")));
        assertThat(v.where()).containsExactly("active");
        SelectNode top = v.select().get(0);
        assertThat(top.columns()).containsExactly(new Column("id", "id", false, null));
        assertThat(top.select().get(0).forEach()).isEqualTo("name");
        assertThat(top.select().get(0).columns()).containsExactly(new Column("g", "given", true, "string"));
        assertThat(top.unionAll().get(0).forEachOrNull()).isEqualTo("telecom");
        assertThat(top.unionAll().get(0).iterationPath()).isEqualTo("telecom");
    }

    @Test
    void acceptsMissingNameButRejectsMissingResource() {
        // the specification does not require a name (the official suite's views have none)
        assertThat(new ViewDefinitionParser()
                        .parse("{\"resource\":\"Patient\"}")
                        .name())
                .isNull();
        assertThatThrownBy(() -> new ViewDefinitionParser().parse("{\"name\":\"v\"}"))
                .hasMessageContaining("'v' has no resource");
        assertThatThrownBy(() -> new ViewDefinitionParser().parse("{")).hasMessageContaining("not valid JSON");
    }

    @Test
    void keepsSelectOrder() {
        ViewDefinition v = new ViewDefinitionParser().parse("""
        {"name":"v","resource":"Patient","select":[{"column":[{"name":"a","path":"a"}]},
          {"column":[{"name":"b","path":"b"}]}]}""");
        assertThat(v.select()).extracting(s -> s.columns().get(0).name()).isEqualTo(List.of("a", "b"));
    }
}
