package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.defaults.DefaultViewDefinitions;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.sqlonfhir.sql.TSqlDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped views compile for both dialects and return exact rows from DuckDB. */
class DefaultViewDefinitionsTest {

  private static DuckDbFixture duck;
  private static Map<String, ViewDefinition> views;

  @BeforeAll
  static void start() throws Exception {
    duck = new DuckDbFixture();
    views = DefaultViewDefinitions.load().stream()
        .collect(Collectors.toMap(ViewDefinition::name, Function.identity()));
  }

  @AfterAll
  static void stop() throws Exception {
    duck.close();
  }

  private static List<List<Object>> rows(String name) throws Exception {
    ViewDefinition view = views.get(name);
    CompiledView d = new ViewCompiler(new DuckDbDialect(), "raw_resources", "resource").compile(view);
    CompiledView t = new ViewCompiler(new TSqlDialect(), "raw_resources", "resource").compile(view);
    Golden.assertMatches("default-" + name + ".duckdb.sql", d.createView());
    Golden.assertMatches("default-" + name + ".tsql.sql", t.createView());
    try (Statement s = duck.connection().createStatement()) {
      s.execute(d.createView()); // the CREATE VIEW statement itself runs
    }
    return duck.rows("SELECT * FROM \"" + name + "\"");
  }

  private static List<Object> row(Object... v) {
    return Arrays.asList(v);
  }

  @Test
  void shipsAViewForEveryDefaultResourceType() {
    Map<String, String> resourceByView = views.values().stream()
        .collect(Collectors.toMap(ViewDefinition::name, ViewDefinition::resource));
    assertThat(resourceByView).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("patient", "Patient"), Map.entry("encounter", "Encounter"),
        Map.entry("observation", "Observation"), Map.entry("condition", "Condition"),
        Map.entry("procedure", "Procedure"), Map.entry("medication_request", "MedicationRequest"),
        Map.entry("immunization", "Immunization"),
        Map.entry("allergy_intolerance", "AllergyIntolerance"),
        Map.entry("diagnostic_report", "DiagnosticReport"),
        Map.entry("document_reference", "DocumentReference"),
        Map.entry("organization", "Organization"), Map.entry("practitioner", "Practitioner"),
        Map.entry("location", "Location")));
  }

  @Test
  void patientView() throws Exception {
    assertThat(rows("patient")).containsExactly(
        row("p1", true, "female", "1980-05-01", "Smith", "Anna Maria", "Smith", "555-0101",
            "anna@example.org", "F", null, "2024-03-01T10:00:00Z"),
        row("p2", false, "male", "1975", "O'Brien", "Sean", null, null, null, null, null, null));
  }

  @Test
  void encounterView() throws Exception {
    assertThat(rows("encounter")).containsExactly(
        row("e1", "finished", "AMB", "185349003", "Encounter for check up", "p1",
            "2024-02-01T09:00:00Z", "2024-02-01T09:45:00Z", "162673000", null));
  }

  @Test
  void observationView() throws Exception {
    assertThat(rows("observation")).containsExactly(
        row("o1", "final", "vital-signs", "http://loinc.org", "8867-4", "Heart rate", "p1", "e1",
            "2024-02-01T09:30:00Z", 72.5, "beats/minute", null, null, null),
        row("o2", "amended", null, "http://loinc.org", "72166-2", "Tobacco smoking status", "p2",
            null, "2024-02-02", null, null, "8517006", null, null));
  }

  @Test
  void conditionView() throws Exception {
    assertThat(rows("condition")).containsExactly(
        row("c1", "active", "confirmed", "problem-list-item", "http://snomed.info/sct", "44054006",
            "Diabetes mellitus type 2", "p1", "e1", "2019-04-01", "2019-04-02", null));
  }

  @Test
  void procedureView() throws Exception {
    // pr1: Period choice, first performer is the Practitioner; pr2: dateTime choice, Group subject
    assertThat(rows("procedure")).containsExactly(
        row("pr1", "completed", "387713003", "http://snomed.info/sct", "80146002", "Appendectomy",
            "p1", "e1", null, "2024-03-04T10:00:00Z", "2024-03-04T11:30:00Z", "dr1", "loc1",
            "74400008", "2024-03-05T08:00:00Z"),
        row("pr2", "in-progress", null, null, null, null, null, null, "2024-03-06", null, null,
            null, null, null, null));
  }

  @Test
  void medicationRequestView() throws Exception {
    // mr1: CodeableConcept medication; mr2: Reference medication, requester is not a Practitioner
    assertThat(rows("medication_request")).containsExactly(
        row("mr1", "active", "order", "outpatient", "http://www.nlm.nih.gov/research/umls/rxnorm",
            "860975", "Metformin 500 MG Oral Tablet", null, "p1", "e1", "2024-03-02", "dr1",
            "1 tablet twice daily", "2024-03-02T12:00:00Z"),
        row("mr2", "stopped", "plan", null, null, null, null, "med7", "p2", null, null, null, null,
            null));
  }

  @Test
  void immunizationView() throws Exception {
    assertThat(rows("immunization")).containsExactly(
        row("im1", "completed", "http://hl7.org/fhir/sid/cvx", "140",
            "Influenza, seasonal, injectable, preservative free", "p1", "e1",
            "2024-01-09T14:00:00Z", "2024-01-09", true, "AAJN11K", "loc1", "dr1",
            "2024-01-10T09:00:00Z"),
        row("im2", "not-done", "http://hl7.org/fhir/sid/cvx", "03", "MMR", "p2", null, null, null,
            false, null, null, null, null));
  }

  @Test
  void allergyIntoleranceView() throws Exception {
    // category is a repeating code (joined; join() over no value is '' in FHIRPath); the first
    // manifestation has text only, so the code comes from the second
    assertThat(rows("allergy_intolerance")).containsExactly(
        row("ai1", "active", "confirmed", "allergy", "food,medication", "high",
            "http://snomed.info/sct", "227493005", "Cashew nuts", "p1", null, "2010-06-01",
            "2010-06-02", "39579001", "severe", "2024-02-20T10:00:00Z"),
        row("ai2", null, null, null, "", null, null, null, null, "p2", null, null, null, null,
            null, null));
  }

  @Test
  void diagnosticReportView() throws Exception {
    // result_ids is a collection column: the reference without a reference string is skipped,
    // and no result at all is an empty array
    assertThat(rows("diagnostic_report")).containsExactly(
        row("dr1", "final", "LAB", "http://loinc.org", "58410-2",
            "CBC panel - Blood by Automated count", "p1", "e1", "2024-02-01T09:30:00Z", null,
            "2024-02-01T11:00:00.000Z", "org1", "Normal", "[\"o1\",\"o2\"]",
            "2024-02-01T12:00:00Z"),
        row("dr2", "preliminary", null, null, null, null, "p2", null, null,
            "2024-02-03T08:00:00Z", null, null, null, "[]", null));
  }

  @Test
  void documentReferenceView() throws Exception {
    assertThat(rows("document_reference")).containsExactly(
        row("doc1", "current", "final", "http://loinc.org", "34133-9", "Summary of episode note",
            "clinical-note", "p1", "2024-02-02T09:55:00Z", "dr1", "org1", "Discharge summary",
            "application/pdf", "Binary/b1", "summary.pdf", "2024-02-01T09:00:00Z",
            "2024-02-01T09:45:00Z", "2024-02-02T10:00:00Z"));
  }

  @Test
  void organizationView() throws Exception {
    // partOf is 0..1 on Organization: read directly, not iterated
    assertThat(rows("organization")).containsExactly(
        row("org1", true, "St. Mary's Hospital", "1234567893", "prov", "Healthcare Provider",
            "555-0100", "Springfield", "IL", "62701", "US", "org0", "2023-12-01T00:00:00Z"));
  }

  @Test
  void practitionerView() throws Exception {
    assertThat(rows("practitioner")).containsExactly(
        row("dr1", true, "9876543210", "Dr. Prof.", "House", "Gregory John", "male", "1959-06-11",
            null, "house@example.org", "MD", "2023-11-01T00:00:00Z"));
  }

  @Test
  void locationView() throws Exception {
    // Location.address and Location.partOf are single, Location.type repeats
    assertThat(rows("location")).containsExactly(
        row("loc1", "active", "Operating Theatre 2", "instance", "OR", "Hospital operating rooms",
            "555-0142", "Springfield", "IL", "62701", 39.78, -89.65, "org1", "loc0",
            "2023-10-01T00:00:00Z"));
  }
}
