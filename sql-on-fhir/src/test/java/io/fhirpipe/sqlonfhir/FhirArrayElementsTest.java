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

  @Test
  void singleOnSomeRootsPerR4() {
    assertThat(FhirArrayElements.isArray("Procedure", "partOf")).isTrue();
    assertThat(FhirArrayElements.isArray("Organization", "partOf")).isFalse();
    assertThat(FhirArrayElements.isArray("Location", "partOf")).isFalse();
    assertThat(FhirArrayElements.isArray("Encounter", "partOf")).isFalse();
    assertThat(FhirArrayElements.isArray("Observation", "bodySite")).isFalse();
    assertThat(FhirArrayElements.isArray("Procedure", "bodySite")).isTrue();
    assertThat(FhirArrayElements.isArray("MedicationRequest", "performer")).isFalse();
    assertThat(FhirArrayElements.isArray("Immunization", "performer")).isTrue();
    assertThat(FhirArrayElements.isArray("DocumentReference", "author")).isTrue();
    assertThat(FhirArrayElements.isArray("CarePlan", "author")).isFalse();
    assertThat(FhirArrayElements.isArray("AllergyIntolerance", "category")).isTrue();
    assertThat(FhirArrayElements.isArray("Organization", "address")).isTrue();
    assertThat(FhirArrayElements.isArray("Location", "address")).isFalse();
  }
}
