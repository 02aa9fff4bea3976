package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.sqlonfhir.sql.TSqlDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One test per supported construct: the SQL for each dialect equals its golden file, and the
 * DuckDB SQL, executed against realistic resources, returns exactly the expected rows.
 */
class ConstructTest {

    private static DuckDbFixture duck;

    @BeforeAll
    static void start() throws Exception {
        duck = new DuckDbFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        duck.close();
    }

    /** Compiles {@code viewJson}, checks both golden files and returns the DuckDB rows. */
    static List<List<Object>> run(String golden, String viewJson) throws Exception {
        ViewDefinition view = new ViewDefinitionParser().parse(viewJson.replace('`', '"'));
        CompiledView duckSql = new ViewCompiler(new DuckDbDialect(), "raw_resources", "resource").compile(view);
        CompiledView tsql = new ViewCompiler(new TSqlDialect(), "raw_resources", "resource").compile(view);
        Golden.assertMatches(golden + ".duckdb.sql", duckSql.select());
        Golden.assertMatches(golden + ".tsql.sql", tsql.select());
        assertThat(tsql.columns()).isEqualTo(duckSql.columns());
        return duck.rows(duckSql.select());
    }

    static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    @Test
    void memberPathsTypesAndResourceKey() throws Exception {
        var rows = run("member-paths", """
        {`name`:`patient_basic`,`resource`:`Patient`,`select`:[{`column`:[
          {`name`:`id`,`path`:`getResourceKey()`},
          {`name`:`gender`,`path`:`gender`},
          {`name`:`birth_date`,`path`:`birthDate`,`type`:`date`},
          {`name`:`active`,`path`:`active`,`type`:`boolean`},
          {`name`:`version`,`path`:`meta.versionId`,`type`:`integer`}]}]}""");
        assertThat(rows)
                .containsExactly(row("p1", "female", "1980-05-01", true, 2L), row("p2", "male", "1975", false, null));
    }

    @Test
    void firstAndImplicitFirstOnRepeatingElements() throws Exception {
        var rows = run("first", """
        {`name`:`patient_first`,`resource`:`Patient`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`family`,`path`:`name.first().family`},
          {`name`:`first_given`,`path`:`name.given.first()`},
          {`name`:`any_family`,`path`:`name.family`}]}]}""");
        assertThat(rows).containsExactly(row("p1", "Smith", "Anna", "Smith"), row("p2", "O'Brien", "Sean", "O'Brien"));
    }

    @Test
    void existsOnPlainAndFilteredPaths() throws Exception {
        var rows = run("exists", """
        {`name`:`patient_exists`,`resource`:`Patient`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`has_identifier`,`path`:`identifier.exists()`},
          {`name`:`has_birth_date`,`path`:`birthDate.exists()`},
          {`name`:`has_email`,`path`:`telecom.where(system = 'email').exists()`}]}]}""");
        assertThat(rows).containsExactly(row("p1", true, true, true), row("p2", false, true, false));
    }

    @Test
    void whereEqualityFiltersRepeatingElements() throws Exception {
        var rows = run("where-function", """
        {`name`:`patient_where`,`resource`:`Patient`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`phone`,`path`:`telecom.where(system = 'phone').value`},
          {`name`:`official_given`,`path`:`name.where(use = 'official').given.first()`},
          {`name`:`nickname`,`path`:`name.where(use = 'nickname').first().given.first()`}]}]}""");
        assertThat(rows).containsExactly(row("p1", "555-0101", "Anna", "Annie"), row("p2", null, null, null));
    }

    @Test
    void ofTypeSelectsChoiceElement() throws Exception {
        var rows = run("of-type", """
        {`name`:`observation_value`,`resource`:`Observation`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`value`,`path`:`value.ofType(Quantity).value`,`type`:`decimal`},
          {`name`:`unit`,`path`:`value.ofType(Quantity).unit`},
          {`name`:`value_text`,`path`:`value.ofType(CodeableConcept).text`},
          {`name`:`effective`,`path`:`effective.ofType(dateTime)`}]}]}""");
        assertThat(rows)
                .containsExactly(
                        row("o1", 72.5, "beats/minute", null, "2024-02-01T09:30:00Z"),
                        row("o2", null, null, "Ex-smoker", "2024-02-02"));
    }

    @Test
    void extensionByUrl() throws Exception {
        var rows = run("extension", """
        {`name`:`patient_extension`,`resource`:`Patient`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`birth_sex`,`path`:`extension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex').value.ofType(code)`},
          {`name`:`colour`,`path`:`extension('http://example.org/fhir/StructureDefinition/favourite-colour').first().value.ofType(string)`}]}]}""");
        assertThat(rows).containsExactly(row("p1", "F", "green"), row("p2", null, null));
    }

    @Test
    void referenceKeysWithAndWithoutType() throws Exception {
        var rows = run("reference-key", """
        {`name`:`observation_refs`,`resource`:`Observation`,`select`:[{`column`:[
          {`name`:`id`,`path`:`getResourceKey()`},
          {`name`:`patient_id`,`path`:`subject.getReferenceKey(Patient)`},
          {`name`:`group_id`,`path`:`subject.getReferenceKey(Group)`},
          {`name`:`encounter_id`,`path`:`encounter.getReferenceKey()`}]}]}""");
        assertThat(rows).containsExactly(row("o1", "p1", null, "e1"), row("o2", "p2", null, null));
    }

    @Test
    void constantsInWhereFunctionAndViewWhere() throws Exception {
        var rows = run("constant", """
        {`name`:`patient_mrn`,`resource`:`Patient`,
         `constant`:[{`name`:`mrn`,`valueUri`:`urn:oid:mrn`},{`name`:`g`,`valueCode`:`female`}],
         `select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`mrn`,`path`:`identifier.where(system = %mrn).value`}]}],
         `where`:[{`path`:`gender = %g`}]}""");
        assertThat(rows).containsExactly(row("p1", "MRN-001"));
    }

    @Test
    void joinAndCollectionColumns() throws Exception {
        var rows = run("join-collection", """
        {`name`:`patient_names`,`resource`:`Patient`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`all_given`,`path`:`name.given.join(' ')`},
          {`name`:`given`,`path`:`name.given`,`collection`:true},
          {`name`:`gender_list`,`path`:`gender`,`collection`:true}]}]}""");
        assertThat(rows)
                .containsExactly(
                        row("p1", "Anna Maria Annie", "[\"Anna\",\"Maria\",\"Annie\"]", "[\"female\"]"),
                        row("p2", "Sean", "[\"Sean\"]", "[\"male\"]"));
    }

    @Test
    void forEachProducesOneRowPerElement() throws Exception {
        var rows = run("for-each", """
        {`name`:`patient_name`,`resource`:`Patient`,`select`:[
          {`column`:[{`name`:`id`,`path`:`id`}]},
          {`forEach`:`name`,`column`:[
            {`name`:`use`,`path`:`use`},{`name`:`family`,`path`:`family`},
            {`name`:`given`,`path`:`given.first()`}]}]}""");
        assertThat(rows)
                .containsExactly(
                        row("p1", "nickname", null, "Annie"),
                        row("p1", "official", "Smith", "Anna"),
                        row("p2", null, "O'Brien", "Sean"));
    }

    @Test
    void forEachDropsAndForEachOrNullKeepsResourcesWithoutElements() throws Exception {
        var inner = run("for-each-inner", """
        {`name`:`patient_identifier`,`resource`:`Patient`,`select`:[
          {`column`:[{`name`:`id`,`path`:`id`}]},
          {`forEach`:`identifier`,`column`:[{`name`:`system`,`path`:`system`},
            {`name`:`value`,`path`:`value`}]}]}""");
        var outer = run("for-each-or-null", """
        {`name`:`patient_identifier_or_null`,`resource`:`Patient`,`select`:[
          {`column`:[{`name`:`id`,`path`:`id`}]},
          {`forEachOrNull`:`identifier`,`column`:[{`name`:`system`,`path`:`system`},
            {`name`:`value`,`path`:`value`}]}]}""");
        assertThat(inner)
                .containsExactly(
                        row("p1", "http://hl7.org/fhir/sid/us-ssn", "123-45-6789"),
                        row("p1", "urn:oid:mrn", "MRN-001"));
        assertThat(outer)
                .containsExactly(
                        row("p1", "http://hl7.org/fhir/sid/us-ssn", "123-45-6789"),
                        row("p1", "urn:oid:mrn", "MRN-001"),
                        row("p2", null, null));
    }

    @Test
    void nestedForEachOverPrimitiveArrayAndFilteredForEach() throws Exception {
        var rows = run("nested-for-each", """
        {`name`:`patient_given`,`resource`:`Patient`,`select`:[
          {`column`:[{`name`:`id`,`path`:`id`}]},
          {`forEach`:`name.where(use = 'official')`,`column`:[{`name`:`family`,`path`:`family`}],
           `select`:[{`forEach`:`given`,`column`:[{`name`:`given`,`path`:`$this`}]}]}]}""");
        assertThat(rows).containsExactly(row("p1", "Smith", "Anna"), row("p1", "Smith", "Maria"));
    }

    @Test
    void unionAllConcatenatesBranches() throws Exception {
        var rows = run("union-all", """
        {`name`:`patient_contact_points`,`resource`:`Patient`,`select`:[
          {`column`:[{`name`:`id`,`path`:`id`}],
           `unionAll`:[
             {`forEach`:`telecom`,`column`:[{`name`:`system`,`path`:`system`},{`name`:`value`,`path`:`value`}]},
             {`forEach`:`identifier`,`column`:[{`name`:`system`,`path`:`system`},{`name`:`value`,`path`:`value`}]}]}]}""");
        assertThat(rows)
                .containsExactly(
                        row("p1", "email", "anna@example.org"),
                        row("p1", "http://hl7.org/fhir/sid/us-ssn", "123-45-6789"),
                        row("p1", "phone", "555-0101"),
                        row("p1", "urn:oid:mrn", "MRN-001"));
    }

    @Test
    void viewWhereClauses() throws Exception {
        var rows = run("view-where", """
        {`name`:`active_official`,`resource`:`Patient`,`select`:[{`column`:[{`name`:`id`,`path`:`id`}]}],
         `where`:[{`path`:`active`},{`path`:`name.where(use = 'official').exists()`},
                  {`path`:`telecom.where(system = 'email').exists()`}]}""");
        assertThat(rows).containsExactly(row("p1"));
    }

    @Test
    void codingAndEncounterReferences() throws Exception {
        var obs = run("coding", """
        {`name`:`observation_coding`,`resource`:`Observation`,`select`:[
          {`column`:[{`name`:`id`,`path`:`id`},
            {`name`:`loinc`,`path`:`code.coding.where(system = 'http://loinc.org').code`},
            {`name`:`category`,`path`:`category.coding.code`}]},
          {`forEach`:`code.coding`,`column`:[{`name`:`system`,`path`:`system`},{`name`:`code`,`path`:`code`}]}]}""");
        assertThat(obs)
                .containsExactly(
                        row("o1", "8867-4", "vital-signs", "http://loinc.org", "8867-4"),
                        row("o1", "8867-4", "vital-signs", "http://snomed.info/sct", "364075005"),
                        row("o2", "72166-2", null, "http://loinc.org", "72166-2"));
        var enc = run("encounter", """
        {`name`:`encounter_basic`,`resource`:`Encounter`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},{`name`:`class_code`,`path`:`class.code`},
          {`name`:`type_code`,`path`:`type.coding.code`},
          {`name`:`patient_id`,`path`:`subject.getReferenceKey(Patient)`},
          {`name`:`start`,`path`:`period.start`}]}]}""");
        assertThat(enc).containsExactly(row("e1", "AMB", "185349003", "p1", "2024-02-01T09:00:00Z"));
    }

    @Test
    void unionAllWithForEachOrNullBranchAndNestedSelect() throws Exception {
        var rows = run("union-all-or-null", """
        {`name`:`patient_points_or_null`,`resource`:`Patient`,`select`:[
          {`column`:[{`name`:`id`,`path`:`id`}],
           `select`:[{`column`:[{`name`:`gender`,`path`:`gender`}]}],
           `unionAll`:[
             {`forEachOrNull`:`telecom`,`column`:[{`name`:`kind`,`path`:`system`}]},
             {`column`:[{`name`:`kind`,`path`:`'birth'`}]}]}]}""".replace("`'birth'`", "`birthDate`"));
        assertThat(rows)
                .containsExactly(
                        row("p1", "female", "1980-05-01"),
                        row("p1", "female", "email"),
                        row("p1", "female", "phone"),
                        row("p2", "male", "1975"),
                        row("p2", "male", null));
    }

    @Test
    void whereCriteriaAndViewWhereAcrossRepeatingElements() throws Exception {
        var rows = run("where-nested-criteria", """
        {`name`:`patient_mr`,`resource`:`Patient`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`mrn`,`path`:`identifier.where(type.coding.code = 'MR').value`}]}],
         `where`:[{`path`:`name.given.where($this = 'Anna').exists()`}]}""");
        assertThat(rows).containsExactly(row("p1", "MRN-001"));
    }

    @Test
    void booleanLiteralWhereChoiceReferenceAndForEachOrNullInsideForEach() throws Exception {
        // view where with a boolean literal; ofType(Reference) feeding getReferenceKey(Type); a
        // forEachOrNull nested in a forEach keeps the outer row when the inner array is absent
        var imm = run("boolean-literal-where", """
        {`name`:`immunization_primary`,`resource`:`Immunization`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},{`name`:`lot`,`path`:`lotNumber`}]}],
         `where`:[{`path`:`primarySource = true`}]}""");
        assertThat(imm).containsExactly(row("im1", "AAJN11K"));
        var med = run("choice-reference-key", """
        {`name`:`medication_refs`,`resource`:`MedicationRequest`,`select`:[{`column`:[
          {`name`:`id`,`path`:`getResourceKey()`},
          {`name`:`medication_id`,`path`:`medication.ofType(Reference).getReferenceKey(Medication)`},
          {`name`:`has_code`,`path`:`medication.ofType(CodeableConcept).coding.exists()`}]}]}""");
        assertThat(med).containsExactly(row("mr1", null, true), row("mr2", "med7", false));
        var manifest = run("for-each-or-null-nested", """
        {`name`:`allergy_reactions`,`resource`:`AllergyIntolerance`,`select`:[
          {`column`:[{`name`:`id`,`path`:`id`}]},
          {`forEach`:`reaction.manifestation`,`column`:[{`name`:`text`,`path`:`text`}],
           `select`:[{`forEachOrNull`:`coding`,`column`:[{`name`:`code`,`path`:`code`}]}]}]}""");
        assertThat(manifest).containsExactly(row("ai1", "unspecified", null), row("ai1", null, "39579001"));
    }
}
