package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.sqlonfhir.defaults.DefaultViewDefinitions;
import io.fhirpipe.sqlonfhir.model.AnsiType;
import io.fhirpipe.sqlonfhir.model.Column;
import io.fhirpipe.sqlonfhir.model.SelectNode;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every shipped view over realistic US Core-like data ({@link UsCoreLikeData}) on DuckDB: for
 * every row and column, the column is filled exactly where the source has the value (what the
 * column's FHIRPath reaches in the JSON, evaluated independently by {@link SourceValues}), holds
 * that value (dates as the same instant / day), and a collection column holds all of them. Every
 * column must meet a source value at least once, and every collection column several, so the
 * data cannot silently stop exercising a column.
 */
class UsCoreLikeDataTest {

    private static final int PATIENTS = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Connection duck;
    private static List<ObjectNode> resources;
    private static Map<String, ViewDefinition> views;

    @BeforeAll
    static void load() throws Exception {
        resources = UsCoreLikeData.generate(PATIENTS);
        duck = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE raw_resources (resource JSON)");
        }
        try (PreparedStatement insert = duck.prepareStatement("INSERT INTO raw_resources VALUES (CAST(? AS JSON))")) {
            for (ObjectNode r : resources) {
                insert.setString(1, r.toString());
                insert.executeUpdate();
            }
        }
        views = new LinkedHashMap<>();
        for (ViewDefinition v : DefaultViewDefinitions.load()) {
            views.put(v.name(), v);
            CompiledView c = new ViewCompiler(new DuckDbDialect(), "raw_resources", "resource").compile(v);
            try (Statement s = duck.createStatement()) {
                s.execute(c.createView());
            }
        }
    }

    @AfterAll
    static void close() throws Exception {
        duck.close();
    }

    @Test
    void generatedDataIsDeterministic() {
        assertThat(UsCoreLikeData.generate(PATIENTS).toString()).isEqualTo(resources.toString());
    }

    @Test
    void everyColumnOfEveryViewIsFilledWhereTheSourceHasTheValue() throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> neverFilled = new TreeSet<>();
        Set<String> neverSeveral = new TreeSet<>();
        for (ViewDefinition view : views.values()) {
            check(view, view.name(), problems, neverFilled, neverSeveral);
        }
        assertThat(problems).as("columns that differ from the source").isEmpty();
        assertThat(neverFilled)
                .as("columns the generated data never gives a value (extend it)")
                .isEmpty();
        assertThat(neverSeveral)
                .as("collection columns never given several values")
                .isEmpty();
    }

    @Test
    void typedDateColumnsAreSqlDatesAndTimestampsInEveryView() throws Exception {
        for (ViewDefinition view : views.values()) {
            Map<String, String> types = columnTypes(view.name());
            for (Column c : columns(view)) {
                if (c.ansiType() != null) {
                    assertThat(types.get(c.name()))
                            .as(view.name() + "." + c.name())
                            .isEqualTo(
                                    AnsiType.parse(c.ansiType()).orElseThrow() == AnsiType.DATE
                                            ? "DATE"
                                            : "TIMESTAMP WITH TIME ZONE");
                } else if ("date".equals(c.type()) || "dateTime".equals(c.type()) || "instant".equals(c.type())) {
                    throw new AssertionError(view.name() + "." + c.name() + " is a date without ansi/type");
                }
            }
        }
    }

    @Test
    void theCasesOfTheIssueReadAsTheSourceSays() throws Exception {
        // Synthea's deceasedDateTime: the patient is dead, and when
        assertThat(rows("SELECT deceased, deceased_date_time FROM patient WHERE id = 'p1'"))
                .containsExactly(List.of(true, "2023-02-02T03:07Z"));
        assertThat(rows("SELECT deceased, deceased_date_time FROM patient WHERE id IN ('p0', 'p2', 'p6')"
                        + " ORDER BY id"))
                .containsExactly(Arrays.asList(null, null), Arrays.asList(false, null), Arrays.asList(true, null));
        // a blood pressure: the panel has no value, its components have 179 and 101 mm[Hg]
        assertThat(rows("SELECT value_quantity, has_components FROM observation WHERE id = 'bp0'"))
                .containsExactly(Arrays.asList(null, true));
        assertThat(rows("SELECT component_index, code, value_quantity, value_unit FROM"
                        + " observation_component WHERE observation_id = 'bp0' ORDER BY component_index"))
                .containsExactly(List.of(0L, "8480-6", 179.0, "mm[Hg]"), List.of(1L, "8462-4", 101.0, "mm[Hg]"));
        // two codings of one DiagnosticReport category: the first in category_code, both kept
        assertThat(rows("SELECT category_code, array_to_string(json_extract_string(category_codings,"
                        + " '$[*].code'), ',') FROM diagnostic_report WHERE id = 'dr0'"))
                .containsExactly(List.of("LAB", "LAB,LP29684-5"));
        // dates in mixed offsets sort as instants, not as text
        List<Instant> sorted =
                namedRows("SELECT effective FROM observation WHERE effective IS NOT NULL" + " ORDER BY effective")
                        .stream()
                        .map(r -> ((OffsetDateTime) r.get("effective")).toInstant())
                        .toList();
        assertThat(sorted).hasSizeGreaterThan(PATIENTS).isSorted();
        assertThat(rows("SELECT count(*) FROM observation WHERE effective IS NOT NULL"
                        + " AND CAST(effective AS VARCHAR) LIKE '%+02%'"))
                .containsExactly(List.of(0L));
        // a partial birth date is its first day, not NULL
        assertThat(rows("SELECT birth_date FROM patient WHERE id IN ('p3', 'p5') ORDER BY id"))
                .containsExactly(List.of("1975-01-01"), List.of("1980-05-01"));
    }

    /** The check is not vacuous: the shipped views as the issue found them fail it. */
    @Test
    void theCheckFindsWhatTheOldViewsLost() throws Exception {
        ViewDefinition old = new io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser().parse("""
        {"resourceType": "ViewDefinition", "name": "old_view", "resource": "DiagnosticReport",
         "select": [{"column": [
           {"name": "id", "path": "getResourceKey()"},
           {"name": "category_codings", "path": "category.coding.first()", "collection": true},
           {"name": "effective", "path": "effective.ofType(dateTime)", "type": "dateTime",
            "tag": [{"name": "ansi/type", "value": "TIMESTAMP WITH TIME ZONE"}]},
           {"name": "effective_start", "path": "effective.ofType(Period).start"}]}]}""");
        try (Statement s = duck.createStatement()) {
            s.execute(new ViewCompiler(new DuckDbDialect(), "raw_resources", "resource")
                            .compile(old)
                            .createView()
                            .replace(
                                    "\"old_view\" AS SELECT",
                                    "\"old_view\" AS SELECT * REPLACE ("
                                            + "CAST(NULL AS TIMESTAMPTZ) AS effective) FROM (SELECT")
                    + ")");
        }
        List<String> problems = new ArrayList<>();
        Set<String> neverFilled = new TreeSet<>();
        Set<String> neverSeveral = new TreeSet<>();
        check(old, "old_view", problems, neverFilled, neverSeveral);
        assertThat(problems)
                .anyMatch(p -> p.startsWith("old_view.effective of dr0: null but"))
                .noneMatch(p -> p.startsWith("old_view.effective_start"));
        assertThat(neverSeveral).containsExactly("old_view.category_codings");
        assertThat(neverFilled).isEmpty();
    }

    // ---- the generic check ----

    private static void check(
            ViewDefinition view,
            String relation,
            List<String> problems,
            Set<String> neverFilled,
            Set<String> neverSeveral)
            throws Exception {
        SelectNode iterated = null;
        List<Column> top = new ArrayList<>();
        for (SelectNode s : view.select()) {
            assertThat(s.select()).as(view.name() + ": nested selects").isEmpty();
            assertThat(s.unionAll()).as(view.name() + ": unionAll").isEmpty();
            if (s.forEach() != null) {
                assertThat(iterated).as(view.name() + ": one forEach").isNull();
                iterated = s;
            } else {
                assertThat(s.forEachOrNull()).as(view.name()).isNull();
                top.addAll(s.columns());
            }
        }
        String key = top.stream()
                .filter(c -> c.path().equals("getResourceKey()"))
                .findFirst()
                .orElseThrow()
                .name();
        String index = iterated == null
                ? null
                : iterated.columns().stream()
                        .filter(c -> c.path().equals("%rowIndex"))
                        .findFirst()
                        .orElseThrow()
                        .name();
        Map<String, Map<String, Object>> byRow = new HashMap<>();
        for (Map<String, Object> row : namedRows("SELECT * FROM \"" + relation + "\"")) {
            String id = row.get(key) + (index == null ? "" : "#" + row.get(index));
            assertThat(byRow.put(id, row))
                    .as(view.name() + ": one row for " + id)
                    .isNull();
        }
        Set<String> filled = new TreeSet<>();
        Set<String> several = new TreeSet<>();
        int expectedRows = 0;
        for (ObjectNode r : resources) {
            if (!r.get("resourceType").asText().equals(view.resource())) {
                continue;
            }
            List<JsonNode> contexts = new ArrayList<>();
            if (iterated == null) {
                contexts.add(r);
            } else {
                new SourceValues(r, view.constants(), 0)
                        .eval(iterated.forEach(), r)
                        .forEach(i -> contexts.add(i.node()));
            }
            for (int i = 0; i < contexts.size(); i++) {
                expectedRows++;
                String id = r.get("id").asText() + (index == null ? "" : "#" + i);
                Map<String, Object> row = byRow.get(id);
                if (row == null) {
                    problems.add(view.name() + ": no row for " + id);
                    continue;
                }
                SourceValues source = new SourceValues(r, view.constants(), i);
                for (Column c : top) {
                    compare(view, id, c, source.eval(c.path(), r), row.get(c.name()), problems, filled, several);
                }
                if (iterated != null) {
                    for (Column c : iterated.columns()) {
                        compare(
                                view,
                                id,
                                c,
                                source.eval(c.path(), contexts.get(i)),
                                row.get(c.name()),
                                problems,
                                filled,
                                several);
                    }
                }
            }
        }
        assertThat(byRow).as(view.name() + " rows").hasSize(expectedRows);
        for (Column c : columns(view)) {
            if (!filled.contains(c.name())) {
                neverFilled.add(view.name() + "." + c.name());
            }
            if (c.collection() && !several.contains(c.name())) {
                neverSeveral.add(view.name() + "." + c.name());
            }
        }
    }

    private static void compare(
            ViewDefinition view,
            String id,
            Column c,
            List<SourceValues.Item> source,
            Object value,
            List<String> problems,
            Set<String> filled,
            Set<String> several)
            throws Exception {
        String where = view.name() + "." + c.name() + " of " + id;
        if (c.collection()) {
            List<String> expected =
                    source.stream().map(i -> i.node().toString()).toList();
            List<String> actual = new ArrayList<>();
            JSON.readTree((String) value).forEach(n -> actual.add(n.toString()));
            if (!actual.equals(expected)) {
                problems.add(where + ": " + actual + " but the source has " + expected);
            }
            if (!expected.isEmpty()) {
                filled.add(c.name());
            }
            if (expected.size() > 1) {
                several.add(c.name());
            }
            return;
        }
        if (source.isEmpty()) {
            if (value != null && !"".equals(value)) {
                problems.add(where + ": " + value + " where the source has nothing");
            }
            return;
        }
        filled.add(c.name());
        Object expected = expected(c, source.get(0).node());
        Object actual = value instanceof OffsetDateTime t ? t.toInstant() : value;
        if (!Objects.equals(expected, actual)) {
            problems.add(where + ": " + actual + " but the source has " + expected + " ("
                    + source.get(0).node() + ")");
        }
    }

    /** The value a column must hold for the first item the source has, in the JDBC type. */
    private static Object expected(Column c, JsonNode item) {
        String text = item.asText();
        if (c.ansiType() != null) {
            return AnsiType.parse(c.ansiType()).orElseThrow() == AnsiType.DATE ? firstDay(text) : firstInstant(text);
        }
        if (item.isBoolean() || "boolean".equals(c.type())) {
            return item.asBoolean();
        }
        if ("decimal".equals(c.type())) {
            return item.asDouble();
        }
        if ("integer".equals(c.type())) {
            return item.asLong();
        }
        return text;
    }

    private static LocalDate firstDay(String fhir) {
        return switch (fhir.length()) {
            case 4 -> LocalDate.of(Integer.parseInt(fhir), 1, 1);
            case 7 -> LocalDate.parse(fhir + "-01");
            default -> LocalDate.parse(fhir.substring(0, 10));
        };
    }

    private static Instant firstInstant(String fhir) {
        return fhir.length() <= 10
                ? firstDay(fhir).atStartOfDay(ZoneOffset.UTC).toInstant()
                : OffsetDateTime.parse(fhir).toInstant();
    }

    // ---- helpers ----

    private static List<Column> columns(ViewDefinition view) {
        List<Column> out = new ArrayList<>();
        for (SelectNode s : view.select()) {
            out.addAll(s.columns());
        }
        return out;
    }

    private static Map<String, String> columnTypes(String view) throws Exception {
        Map<String, String> types = new HashMap<>();
        try (Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM \"" + view + "\" LIMIT 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                types.put(md.getColumnName(i), md.getColumnTypeName(i));
            }
        }
        return types;
    }

    private static List<Map<String, Object>> namedRows(String sql) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnName(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Rows with dates as ISO text (UTC) so expectations read as the source does. */
    private static List<List<Object>> rows(String sql) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(
                            v instanceof OffsetDateTime t
                                    ? t.withOffsetSameInstant(ZoneOffset.UTC).toString()
                                    : v instanceof LocalDate d ? d.toString() : v);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
