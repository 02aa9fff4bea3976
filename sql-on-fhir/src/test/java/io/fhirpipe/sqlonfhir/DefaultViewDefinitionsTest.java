package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.defaults.DefaultViewDefinitions;
import io.fhirpipe.sqlonfhir.model.Column;
import io.fhirpipe.sqlonfhir.model.SelectNode;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.sqlonfhir.sql.TSqlDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        Map<String, String> resourceByView =
                views.values().stream().collect(Collectors.toMap(ViewDefinition::name, ViewDefinition::resource));
        assertThat(resourceByView)
                .containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                        Map.entry("patient", "Patient"),
                        Map.entry("encounter", "Encounter"),
                        Map.entry("observation", "Observation"),
                        Map.entry("observation_component", "Observation"),
                        Map.entry("condition", "Condition"),
                        Map.entry("procedure", "Procedure"),
                        Map.entry("medication_request", "MedicationRequest"),
                        Map.entry("immunization", "Immunization"),
                        Map.entry("allergy_intolerance", "AllergyIntolerance"),
                        Map.entry("diagnostic_report", "DiagnosticReport"),
                        Map.entry("document_reference", "DocumentReference"),
                        Map.entry("organization", "Organization"),
                        Map.entry("practitioner", "Practitioner"),
                        Map.entry("location", "Location")));
    }

    /**
     * A column reading one coding of a concept ({@code code.coding.first().code}, or the first of
     * {@code category.coding.code}) has the concept's codings beside it as a collection column, so
     * a second coding is never silently cut. Exempt: status-like elements carrying one code of a
     * small value set.
     */
    @Test
    void everyColumnReadingOneCodingHasAllCodingsBeside() {
        Set<String> exempt = Set.of(
                "clinicalStatus",
                "verificationStatus",
                "dataAbsentReason",
                "statusReason",
                "communication.first().language");
        List<String> missing = new ArrayList<>();
        for (ViewDefinition view : views.values()) {
            for (SelectNode select : view.select()) {
                Set<String> collections = new HashSet<>();
                select.columns().stream().filter(Column::collection).forEach(c -> collections.add(c.path()));
                for (Column c : select.columns()) {
                    int at = c.path().indexOf(".coding");
                    if (c.collection() || at < 0 || exempt.contains(c.path().substring(0, at))) {
                        continue;
                    }
                    String codings = c.path().substring(0, at + ".coding".length());
                    if (!collections.contains(codings)) {
                        missing.add(view.name() + "." + c.name() + " (" + codings + ")");
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void patientView() throws Exception {
        assertThat(rows("patient"))
                .containsExactly(
                        row(
                                "p1",
                                true,
                                "female",
                                "1980-05-01",
                                "Smith",
                                "Anna Maria",
                                "Smith",
                                "555-0101",
                                "anna@example.org",
                                null,
                                null,
                                null,
                                null,
                                null,
                                "F",
                                null,
                                null,
                                "[]",
                                null,
                                null,
                                "[]",
                                null,
                                null,
                                null,
                                null,
                                "2024-03-01T10:00Z"),
                        row(
                                "p2",
                                false,
                                "male",
                                "1975-01-01",
                                "O'Brien",
                                "Sean",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                "[]",
                                null,
                                null,
                                "[]",
                                null,
                                null,
                                null,
                                null,
                                null));
    }

    @Test
    void encounterView() throws Exception {
        assertThat(rows("encounter"))
                .containsExactly(row(
                        "e1",
                        "finished",
                        "AMB",
                        "185349003",
                        "Encounter for check up",
                        "[{\"system\":\"http://snomed.info/sct\",\"code\":\"185349003\",\"display\":\"Encounter for check up\"}]",
                        "p1",
                        "2024-02-01T09:00Z",
                        "2024-02-01T09:45Z",
                        "162673000",
                        "[{\"system\":\"http://snomed.info/sct\",\"code\":\"162673000\"}]",
                        "pr1",
                        null,
                        null,
                        null));
    }

    @Test
    void observationView() throws Exception {
        assertThat(rows("observation"))
                .containsExactly(
                        row(
                                "o1",
                                "final",
                                "vital-signs",
                                "[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]",
                                "http://loinc.org",
                                "8867-4",
                                "Heart rate",
                                "Heart rate",
                                "[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\",\"display\":\"Heart rate\"},{\"system\":\"http://snomed.info/sct\",\"code\":\"364075005\"}]",
                                "p1",
                                "e1",
                                "2024-02-01T09:30Z",
                                null,
                                null,
                                null,
                                null,
                                72.5,
                                "beats/minute",
                                "/min",
                                null,
                                null,
                                null,
                                null,
                                null,
                                "[]",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                "[]",
                                false,
                                null,
                                null),
                        row(
                                "o2",
                                "amended",
                                null,
                                "[]",
                                "http://loinc.org",
                                "72166-2",
                                "Tobacco smoking status",
                                null,
                                "[{\"system\":\"http://loinc.org\",\"code\":\"72166-2\",\"display\":\"Tobacco smoking status\"}]",
                                "p2",
                                null,
                                "2024-02-02T00:00Z",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                "http://snomed.info/sct",
                                "8517006",
                                null,
                                "Ex-smoker",
                                "[{\"system\":\"http://snomed.info/sct\",\"code\":\"8517006\"}]",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                "[]",
                                false,
                                null,
                                null));
    }

    /** One row per component of a blood pressure panel, with the panel's keys beside. */
    @Test
    void observationComponentView() throws Exception {
        try (Statement s = duck.connection().createStatement()) {
            s.execute("INSERT INTO raw_resources VALUES (CAST('"
                    + DuckDbFixture.resource("observation-bp1").replace("'", "''") + "' AS JSON))");
        }
        try {
            assertThat(rows("observation_component"))
                    .containsExactly(
                            row(
                                    "bp1",
                                    "p1",
                                    "e1",
                                    "2024-02-01T09:30Z",
                                    null,
                                    0L,
                                    "http://loinc.org",
                                    "8480-6",
                                    "Systolic blood pressure",
                                    "[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\",\"display\":\"Systolic blood pressure\"}]",
                                    179.0,
                                    "mm[Hg]",
                                    "mm[Hg]",
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    "[]",
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    "H",
                                    "[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation\",\"code\":\"H\"}]"),
                            row(
                                    "bp1",
                                    "p1",
                                    "e1",
                                    "2024-02-01T09:30Z",
                                    null,
                                    1L,
                                    "http://loinc.org",
                                    "8462-4",
                                    "Diastolic blood pressure",
                                    "[{\"system\":\"http://loinc.org\",\"code\":\"8462-4\",\"display\":\"Diastolic blood pressure\"}]",
                                    101.0,
                                    "mm[Hg]",
                                    "mm[Hg]",
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    "[]",
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    "[]"));
        } finally {
            try (Statement s = duck.connection().createStatement()) {
                s.execute("DELETE FROM raw_resources WHERE json_extract_string(resource, '$.id') = 'bp1'");
            }
        }
    }

    @Test
    void conditionView() throws Exception {
        assertThat(rows("condition"))
                .containsExactly(row(
                        "c1",
                        "active",
                        "confirmed",
                        "problem-list-item",
                        "[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-category\",\"code\":\"problem-list-item\"}]",
                        "http://snomed.info/sct",
                        "44054006",
                        "Diabetes mellitus type 2",
                        null,
                        "[{\"system\":\"http://snomed.info/sct\",\"code\":\"44054006\",\"display\":\"Diabetes mellitus type 2\"}]",
                        "p1",
                        "e1",
                        "2019-04-01T00:00Z",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "2019-04-02T00:00Z",
                        null,
                        null));
    }

    @Test
    void procedureView() throws Exception {
        // pr1: Period choice, first performer is the Practitioner; pr2: dateTime choice, Group subject
        assertThat(rows("procedure"))
                .containsExactly(
                        row(
                                "pr1",
                                "completed",
                                "387713003",
                                "[{\"system\":\"http://snomed.info/sct\",\"code\":\"387713003\",\"display\":\"Surgical procedure\"}]",
                                "http://snomed.info/sct",
                                "80146002",
                                "Appendectomy",
                                "[{\"system\":\"http://snomed.info/sct\",\"code\":\"80146002\",\"display\":\"Appendectomy\"},{\"system\":\"http://www.ama-assn.org/go/cpt\",\"code\":\"44950\"}]",
                                "p1",
                                "e1",
                                null,
                                "2024-03-04T10:00Z",
                                "2024-03-04T11:30Z",
                                null,
                                "dr1",
                                "loc1",
                                "74400008",
                                "[{\"system\":\"http://snomed.info/sct\",\"code\":\"74400008\",\"display\":\"Appendicitis\"}]",
                                "2024-03-05T08:00Z"),
                        row(
                                "pr2",
                                "in-progress",
                                null,
                                "[]",
                                null,
                                null,
                                null,
                                "[]",
                                null,
                                null,
                                "2024-03-06T00:00Z",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                "[]",
                                null));
    }

    @Test
    void medicationRequestView() throws Exception {
        // mr1: CodeableConcept medication; mr2: Reference medication, requester is not a Practitioner
        assertThat(rows("medication_request"))
                .containsExactly(
                        row(
                                "mr1",
                                "active",
                                "order",
                                "outpatient",
                                "[{\"system\":\"http://terminology.hl7.org/CodeSystem/medicationrequest-category\",\"code\":\"outpatient\"}]",
                                "http://www.nlm.nih.gov/research/umls/rxnorm",
                                "860975",
                                "Metformin 500 MG Oral Tablet",
                                "[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"860975\",\"display\":\"Metformin 500 MG Oral Tablet\"}]",
                                null,
                                "p1",
                                "e1",
                                "2024-03-02T00:00Z",
                                "dr1",
                                null,
                                "1 tablet twice daily",
                                "2024-03-02T12:00Z"),
                        row(
                                "mr2", "stopped", "plan", null, "[]", null, null, null, "[]", "med7", "p2", null, null,
                                null, null, null, null));
    }

    @Test
    void immunizationView() throws Exception {
        assertThat(rows("immunization"))
                .containsExactly(
                        row(
                                "im1",
                                "completed",
                                "http://hl7.org/fhir/sid/cvx",
                                "140",
                                "Influenza, seasonal, injectable, preservative free",
                                "[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":\"140\",\"display\":\"Influenza, seasonal, injectable, preservative free\"}]",
                                "p1",
                                "e1",
                                "2024-01-09T14:00Z",
                                null,
                                "2024-01-09T00:00Z",
                                true,
                                null,
                                "AAJN11K",
                                "loc1",
                                "dr1",
                                "2024-01-10T09:00Z"),
                        row(
                                "im2",
                                "not-done",
                                "http://hl7.org/fhir/sid/cvx",
                                "03",
                                "MMR",
                                "[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":\"03\",\"display\":\"MMR\"}]",
                                "p2",
                                null,
                                null,
                                "childhood",
                                null,
                                false,
                                null,
                                null,
                                null,
                                null,
                                null));
    }

    @Test
    void allergyIntoleranceView() throws Exception {
        // category is a repeating code (joined; join() over no value is '' in FHIRPath); the first
        // manifestation has text only, so the code comes from the second
        assertThat(rows("allergy_intolerance"))
                .containsExactly(
                        row(
                                "ai1",
                                "active",
                                "confirmed",
                                "allergy",
                                "food,medication",
                                "high",
                                "http://snomed.info/sct",
                                "227493005",
                                "Cashew nuts",
                                "[{\"system\":\"http://snomed.info/sct\",\"code\":\"227493005\",\"display\":\"Cashew nuts\"}]",
                                "p1",
                                null,
                                "2010-06-01T00:00Z",
                                null,
                                null,
                                null,
                                "2010-06-02T00:00Z",
                                "39579001",
                                "[{\"system\":\"http://snomed.info/sct\",\"code\":\"39579001\",\"display\":\"Anaphylaxis\"}]",
                                "severe",
                                "2024-02-20T10:00Z"),
                        row(
                                "ai2", null, null, null, "", null, null, null, null, "[]", "p2", null, null, null, null,
                                null, null, null, "[]", null, null));
    }

    @Test
    void diagnosticReportView() throws Exception {
        // result_ids is a collection column: the reference without a reference string is skipped,
        // and no result at all is an empty array
        assertThat(rows("diagnostic_report"))
                .containsExactly(
                        row(
                                "dr1",
                                "final",
                                "LAB",
                                "[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0074\",\"code\":\"LAB\"}]",
                                "http://loinc.org",
                                "58410-2",
                                "CBC panel - Blood by Automated count",
                                "[{\"system\":\"http://loinc.org\",\"code\":\"58410-2\",\"display\":\"CBC panel - Blood by Automated count\"}]",
                                "p1",
                                "e1",
                                "2024-02-01T09:30Z",
                                null,
                                null,
                                "2024-02-01T11:00Z",
                                "org1",
                                "Normal",
                                "[\"o1\",\"o2\"]",
                                "2024-02-01T12:00Z"),
                        row(
                                "dr2",
                                "preliminary",
                                null,
                                "[]",
                                null,
                                null,
                                null,
                                "[]",
                                "p2",
                                null,
                                null,
                                "2024-02-03T08:00Z",
                                "2024-02-03T08:20Z",
                                null,
                                null,
                                null,
                                "[]",
                                null));
    }

    @Test
    void documentReferenceView() throws Exception {
        assertThat(rows("document_reference"))
                .containsExactly(row(
                        "doc1",
                        "current",
                        "final",
                        "http://loinc.org",
                        "34133-9",
                        "Summary of episode note",
                        "[{\"system\":\"http://loinc.org\",\"code\":\"34133-9\",\"display\":\"Summary of episode note\"}]",
                        "clinical-note",
                        "[{\"system\":\"http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category\",\"code\":\"clinical-note\"}]",
                        "p1",
                        "2024-02-02T09:55Z",
                        "dr1",
                        "org1",
                        "e1",
                        "Discharge summary",
                        "application/pdf",
                        "Binary/b1",
                        "summary.pdf",
                        "[\"Binary/b1\",\"Binary/b2\"]",
                        "2024-02-01T09:00Z",
                        "2024-02-01T09:45Z",
                        "2024-02-02T10:00Z"));
    }

    @Test
    void organizationView() throws Exception {
        // partOf is 0..1 on Organization: read directly, not iterated
        assertThat(rows("organization"))
                .containsExactly(row(
                        "org1",
                        true,
                        "St. Mary's Hospital",
                        "1234567893",
                        "prov",
                        "Healthcare Provider",
                        "[{\"system\":\"http://terminology.hl7.org/CodeSystem/organization-type\",\"code\":\"prov\",\"display\":\"Healthcare Provider\"}]",
                        "555-0100",
                        "Springfield",
                        "IL",
                        "62701",
                        "US",
                        "org0",
                        "2023-12-01T00:00Z"));
    }

    @Test
    void practitionerView() throws Exception {
        assertThat(rows("practitioner"))
                .containsExactly(row(
                        "dr1",
                        true,
                        "9876543210",
                        "Dr. Prof.",
                        "House",
                        "Gregory John",
                        "male",
                        "1959-06-11",
                        null,
                        "house@example.org",
                        "MD",
                        "[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0360\",\"code\":\"MD\",\"display\":\"Doctor of Medicine\"}]",
                        "2023-11-01T00:00Z"));
    }

    @Test
    void locationView() throws Exception {
        // Location.address and Location.partOf are single, Location.type repeats
        assertThat(rows("location"))
                .containsExactly(row(
                        "loc1",
                        "active",
                        "Operating Theatre 2",
                        "instance",
                        "OR",
                        "Hospital operating rooms",
                        "[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-RoleCode\",\"code\":\"OR\",\"display\":\"Hospital operating rooms\"}]",
                        "555-0142",
                        "Springfield",
                        "IL",
                        "62701",
                        39.78,
                        -89.65,
                        "org1",
                        "loc0",
                        "2023-10-01T00:00Z"));
    }
}
