package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DuckDB renders paths through repeating elements as list expressions over JSONPath wildcards.
 * These resources hold what the shipped fixtures do not: absent and empty arrays, items without
 * the wanted member, explicit JSON nulls, several matches, and forEachOrNull rows whose context
 * is NULL. Values follow FHIRPath: {@code =} compares whole collections (so criteria over
 * several codings use {@code where(...).exists()}), an empty collection column is {@code []} and
 * join() over nothing is the empty string.
 */
class ListPathEdgeCasesTest {

    private static final String[] RESOURCES = {
        // several official names, the first without family; given with a null item; a
        // telecom without value; an identifier whose type has two codings
        """
      {"resourceType":"Patient","id":"a","name":[{"use":"usual","given":["U"]},
        {"use":"official","given":["A",null,"B"]},{"use":"official","family":"Fam2","given":["C"]},
        {"use":"official","family":"Fam3"}],
       "telecom":[{"system":"email"},{"system":"email","value":"a@x"}],
       "identifier":[{"type":{"coding":[{"code":"XX"}]},"value":"nope"},
        {"type":{"coding":[{"code":"DL"},{"code":"MR"}]},"value":"MR-a"}],
       "generalPractitioner":[{"reference":"Organization/o1"},{"reference":"Practitioner/d1"}],
       "contact":[{"telecom":[{"system":"phone","value":"1"}]},{"name":{"family":"K"}}]}""",
        // empty arrays, explicit nulls, email telecom without a value
        """
      {"resourceType":"Patient","id":"b","name":[],"telecom":[{"system":"email","value":null}],
       "identifier":[{"value":"no-type"}],"generalPractitioner":[]}""",
        // no arrays at all
        """
      {"resourceType":"Patient","id":"c"}""",
        // first category without coding, a coding without code, code null, then the match
        """
      {"resourceType":"Observation","id":"o","category":[{"text":"none"},
        {"coding":[{"system":"s"},{"code":null},{"code":"b"}]},{"coding":[{"code":"c"}]}]}"""
    };

    private static Connection connection;

    @BeforeAll
    static void start() throws Exception {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE edge (resource JSON)");
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO edge VALUES (CAST(? AS JSON))")) {
            for (String r : RESOURCES) {
                insert.setString(1, r);
                insert.executeUpdate();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        connection.close();
    }

    private static List<List<Object>> rows(String viewJson) throws Exception {
        ViewDefinition view = new ViewDefinitionParser().parse(viewJson.replace('`', '"'));
        String select = new ViewCompiler(new DuckDbDialect(), "edge", "resource")
                .compile(view)
                .select();
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM (" + select + ") ORDER BY ALL")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v == null || v instanceof String || v instanceof Boolean ? v : v.toString());
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    @Test
    void firstSkipsItemsWithoutTheMemberAndEmptyOrAbsentArraysGiveNull() throws Exception {
        assertThat(rows("""
        {`name`:`v`,`resource`:`Patient`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`official_family`,`path`:`name.where(use = 'official').family`},
          {`name`:`any_given`,`path`:`name.given`},
          {`name`:`official_given`,`path`:`name.where(use = 'official').given`},
          {`name`:`email`,`path`:`telecom.where(system = 'email').value`},
          {`name`:`mrn`,`path`:`identifier.where(type.coding.where(code = 'MR').exists()).value`},
          {`name`:`gp`,`path`:`generalPractitioner.getReferenceKey(Practitioner)`},
          {`name`:`contact_phone`,`path`:`contact.telecom.where(system = 'phone').value`}]}]}"""))
                .containsExactly(
                        row("a", "Fam2", "U", "A", "a@x", "MR-a", "d1", "1"),
                        row("b", null, null, null, null, null, null, null),
                        row("c", null, null, null, null, null, null, null));
    }

    @Test
    void firstAcrossTwoArraysTakesDocumentOrder() throws Exception {
        assertThat(rows("""
        {`name`:`v`,`resource`:`Observation`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`category`,`path`:`category.coding.code`},
          {`name`:`all`,`path`:`category.coding.code.join('|')`},
          {`name`:`list`,`path`:`category.coding.code`,`collection`:true},
          {`name`:`has_code`,`path`:`category.coding.code.exists()`},
          {`name`:`has_display`,`path`:`category.coding.display.exists()`}]}]}""")).containsExactly(row("o", "b", "b|c", "[\"b\",\"c\"]", true, false));
    }

    @Test
    void joinCollectionAndExistsOnEmptyNullAndPartialItems() throws Exception {
        assertThat(rows("""
        {`name`:`v`,`resource`:`Patient`,`select`:[{`column`:[
          {`name`:`id`,`path`:`id`},
          {`name`:`given`,`path`:`name.given.join(' ')`},
          {`name`:`given_list`,`path`:`name.where(use = 'official').given`,`collection`:true},
          {`name`:`has_name`,`path`:`name.exists()`},
          {`name`:`has_email`,`path`:`telecom.where(system = 'email').exists()`},
          {`name`:`has_mr`,`path`:`identifier.where(type.coding.where(code = 'MR').exists()).exists()`},
          {`name`:`equal_mr`,`path`:`identifier.where(type.coding.code = 'MR').exists()`}]}]}"""))
                .containsExactly(
                        // equal_mr: no identifier's codes equal ('MR') as a whole ([DL, MR] does not)
                        row("a", "U A B C", "[\"A\",\"B\",\"C\"]", true, true, true, false),
                        row("b", "", "[]", false, true, false, false),
                        row("c", "", "[]", false, false, false, false));
    }

    @Test
    void forEachOverFilteredFirstAndForEachOrNullWithNullContext() throws Exception {
        assertThat(rows("""
        {`name`:`v`,`resource`:`Patient`,`select`:[
          {`column`:[{`name`:`id`,`path`:`id`}]},
          {`forEachOrNull`:`name.where(use = 'official').first()`,`column`:[
            {`name`:`first_official_given`,`path`:`given.first()`}]},
          {`forEachOrNull`:`contact.name`,`column`:[
            {`name`:`contact_family`,`path`:`family`},
            {`name`:`contact_has_telecom`,`path`:`telecom.exists()`},
            {`name`:`contact_given`,`path`:`given.join(',')`}]}]}"""))
                .containsExactly(
                        row("a", "A", "K", false, ""),
                        row("b", null, null, false, ""),
                        row("c", null, null, false, ""));
    }

    @Test
    void forEachAcrossTwoArraysKeepsEveryItemAndViewWhereMatchesAnyItem() throws Exception {
        assertThat(rows("""
        {`name`:`v`,`resource`:`Patient`,`select`:[
          {`column`:[{`name`:`id`,`path`:`id`}]},
          {`forEach`:`identifier.type.coding`,`column`:[{`name`:`code`,`path`:`code`}]}],
         `where`:[{`path`:`name.given.where($this = 'B').exists()`},
                   {`path`:`(name.given = 'B').not()`},
                   {`path`:`telecom.where(system = 'email').exists()`}]}""")).containsExactly(row("a", "DL"), row("a", "MR"), row("a", "XX"));
    }
}
