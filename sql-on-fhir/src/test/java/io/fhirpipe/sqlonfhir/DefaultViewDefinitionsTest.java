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
  void shipsPatientEncounterObservationCondition() {
    assertThat(views.keySet()).containsExactlyInAnyOrder(
        "patient", "encounter", "observation", "condition");
    assertThat(views.get("observation").resource()).isEqualTo("Observation");
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
}
