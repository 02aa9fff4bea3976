package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.fhirpath.FhirArrayElements;
import org.junit.jupiter.api.Test;

/** Cardinality lookups that differ by position: root versus nested, and per resource. */
class FhirArrayElementsTest {

  @Test
  void rootOnlyRepeatingElements() {
    assertThat(FhirArrayElements.isArray("Patient", "identifier")).isTrue();
    assertThat(FhirArrayElements.isArray(null, "identifier")).isFalse(); // Reference.identifier
    assertThat(FhirArrayElements.isArray("Patient", "name")).isTrue();
    assertThat(FhirArrayElements.isArray(null, "name")).isFalse(); // Patient.contact.name
    assertThat(FhirArrayElements.isArray("Organization", "name")).isFalse();
    assertThat(FhirArrayElements.isArray("Encounter", "type")).isTrue();
    assertThat(FhirArrayElements.isArray(null, "type")).isFalse(); // Identifier.type
    assertThat(FhirArrayElements.isArray("Procedure", "category")).isFalse();
  }

  @Test
  void everywhereRepeatingElements() {
    assertThat(FhirArrayElements.isArray(null, "coding")).isTrue();
    assertThat(FhirArrayElements.isArray(null, "given")).isTrue();
    assertThat(FhirArrayElements.isArray("Observation", "category")).isTrue();
    assertThat(FhirArrayElements.isArray(null, "extension")).isTrue();
  }
}
