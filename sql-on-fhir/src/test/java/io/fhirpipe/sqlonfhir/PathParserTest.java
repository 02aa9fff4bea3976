package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.fhirpath.Operand;
import io.fhirpipe.sqlonfhir.fhirpath.PathExpression;
import io.fhirpipe.sqlonfhir.fhirpath.PathParser;
import io.fhirpipe.sqlonfhir.fhirpath.Step;
import io.fhirpipe.sqlonfhir.fhirpath.UnsupportedPathException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The FHIRPath subset parses into steps; everything outside it is refused. */
class PathParserTest {

  @Test
  void parsesEverySupportedStep() {
    PathExpression e = PathParser.parse(
        "name.where(use = 'official').first().given.join(', ')");
    assertThat(e.steps()).containsExactly(new Step.Member("name"),
        new Step.Where(List.of("use"), new Operand.Literal("official")), new Step.First(),
        new Step.Member("given"), new Step.Join(", "));
    assertThat(PathParser.parse("extension('http://x/y').value.ofType(Coding).exists()").steps())
        .containsExactly(new Step.Extension("http://x/y"), new Step.Member("value"),
            new Step.OfType("Coding"), new Step.Exists());
    assertThat(PathParser.parse("subject.getReferenceKey(Patient)").steps())
        .containsExactly(new Step.Member("subject"), new Step.ReferenceKey("Patient"));
    assertThat(PathParser.parse("subject.getReferenceKey()").steps())
        .containsExactly(new Step.Member("subject"), new Step.ReferenceKey(null));
    assertThat(PathParser.parse("getResourceKey()").steps()).containsExactly(new Step.ResourceKey());
    assertThat(PathParser.parse("$this").steps()).containsExactly(new Step.This());
  }

  @Test
  void parsesComparisonsWithLiteralsAndConstants() {
    assertThat(PathParser.parse("gender = %g").equalTo()).isEqualTo(new Operand.ConstantRef("g"));
    assertThat(PathParser.parse("active = true").equalTo()).isEqualTo(new Operand.Literal("true"));
    assertThat(PathParser.parse("multipleBirth = 2").equalTo()).isEqualTo(new Operand.Literal("2"));
    assertThat(PathParser.parse("name.family = 'O\\'Brien'").equalTo())
        .isEqualTo(new Operand.Literal("O'Brien"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "name.count()", "name | telecom", "birthDate > '2000'", "active and deceased",
      "name[0].family", "%c", "where(use = 'x' or use = 'y')", "name.where(given.exists())",
      "value as Quantity", "iif(active, 1, 2)", "name.family + 'x'", "'literal'"})
  void rejectsEverythingElse(String expression) {
    assertThatThrownBy(() -> PathParser.parse(expression))
        .isInstanceOf(UnsupportedPathException.class);
  }
}
