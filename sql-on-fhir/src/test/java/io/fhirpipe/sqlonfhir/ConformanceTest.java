package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.sqlonfhir.sql.TSqlDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The official SQL on FHIR v2 test suite ({@code ../shared/fixtures/sql-on-fhir-v2/tests}, or the
 * folder named by {@code -Dsqlonfhir.suite.dir}), run as a user would: each file's resources in a
 * DuckDB table, each view compiled by {@link DuckDbDialect} and executed, rows compared as the
 * suite says (a multiset of rows, the column names in order, JSON values, arrays for
 * collections). Every view that passes on DuckDB must also compile to T-SQL, whose SQL is kept as
 * a golden file per suite test ({@code golden/conformance/}, rewritten by -Dgolden.update=true).
 *
 * <p>{@link #KNOWN_FAILURES} must be exactly the set of failing tests, so a fixed test has to be
 * removed from it and a newly broken one fails the build.
 */
class ConformanceTest {

    static final String SUITE_PROPERTY = "sqlonfhir.suite.dir";

    /** "file.json: title" of the tests that do not pass yet; the goal is an empty set. */
    private static final Set<String> KNOWN_FAILURES = Set.of();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> failed = new TreeSet<>();
    private static int total;
    private static int passed;
    private static Connection duck;

    @BeforeAll
    static void open() throws SQLException {
        duck = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterAll
    static void summary() throws SQLException {
        duck.close();
        System.out.println("SQL on FHIR v2 conformance: " + passed + " of " + total + " passed");
        if (total > 0) {
            assertThat(failed)
                    .as("failing suite tests (update KNOWN_FAILURES only when fixed)")
                    .isEqualTo(new TreeSet<>(KNOWN_FAILURES));
        }
    }

    static Path suiteDir() {
        String override = System.getProperty(SUITE_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        // the module runs in <root>/sql-on-fhir; shared/ lies beside the repository root
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolveSibling("shared").resolve("fixtures/sql-on-fhir-v2/tests");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("SQL on FHIR v2 suite not found at ../shared/fixtures/"
                + "sql-on-fhir-v2/tests from the repository root; name it with -D" + SUITE_PROPERTY);
    }

    @TestFactory
    Stream<DynamicTest> suite() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(suiteDir())) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).as("suite files").hasSize(22);
        int fileNo = 0;
        for (Path file : files) {
            JsonNode doc = MAPPER.readTree(file.toFile());
            String table = "suite_" + fileNo++;
            loadResources(table, doc.path("resources"));
            for (JsonNode test : doc.path("tests")) {
                String name = file.getFileName() + ": " + test.path("title").asText();
                total++;
                tests.add(DynamicTest.dynamicTest(name, () -> run(name, table, test)));
            }
        }
        assertThat(total).as("suite tests").isEqualTo(134);
        return tests.stream();
    }

    private static void loadResources(String table, JsonNode resources) {
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE " + table + " (resource JSON)");
            try (PreparedStatement insert =
                    duck.prepareStatement("INSERT INTO " + table + " VALUES (CAST(? AS JSON))")) {
                for (JsonNode r : resources) {
                    insert.setString(1, MAPPER.writeValueAsString(r));
                    insert.executeUpdate();
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot load resources into " + table, e);
        }
    }

    private static void run(String name, String table, JsonNode test) throws Exception {
        boolean known = KNOWN_FAILURES.contains(name);
        try {
            check(name, table, test);
        } catch (Throwable t) {
            failed.add(name);
            if (known) {
                System.out.println("known failure: " + name + ": " + t.getMessage());
                return;
            }
            throw t;
        }
        passed++;
        if (known) {
            throw new AssertionError(name + " passes now: remove it from KNOWN_FAILURES");
        }
    }

    private static void check(String name, String table, JsonNode test) throws Exception {
        if (test.has("expectError")) {
            boolean refused;
            try {
                ViewDefinition view = new ViewDefinitionParser().parse(test.path("view"));
                CompiledView compiled = new ViewCompiler(new DuckDbDialect(), table, "resource").compile(view);
                rows(compiled.select(), compiled);
                refused = false;
            } catch (IllegalArgumentException | ViewCompilationException | SQLException e) {
                refused = true;
            }
            assertThat(refused).as(name + ": the view must be refused").isTrue();
            return;
        }
        ViewDefinition view = new ViewDefinitionParser().parse(test.path("view"));
        CompiledView compiled = new ViewCompiler(new DuckDbDialect(), table, "resource").compile(view);
        List<JsonNode> actual = rows(compiled.select(), compiled);
        List<JsonNode> expected = new ArrayList<>();
        test.path("expect").forEach(expected::add);
        if (test.has("expectColumns")) {
            List<String> names = new ArrayList<>();
            test.path("expectColumns").forEach(c -> names.add(c.asText()));
            assertThat(compiled.columns()).as(name + ": columns in order").isEqualTo(names);
        }
        if (!expected.isEmpty()) {
            // rows are JSON objects: their key order is not the column order
            Set<String> names = new TreeSet<>();
            expected.get(0).fieldNames().forEachRemaining(names::add);
            assertThat(new TreeSet<>(compiled.columns())).as(name + ": columns").isEqualTo(names);
        }
        assertThat(canonical(actual))
                .as(name + ": rows of\n" + compiled.select())
                .isEqualTo(canonical(expected));
        // every view that runs on DuckDB must compile to T-SQL too
        CompiledView tsql = new ViewCompiler(new TSqlDialect(), "raw_resources", "resource").compile(view);
        assertThat(tsql.columns()).isEqualTo(compiled.columns());
        Golden.assertMatches("conformance/" + goldenName(name) + ".tsql.sql", tsql.select());
    }

    static String goldenName(String name) {
        return name.replace(".json: ", "-")
                .toLowerCase()
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "");
    }

    private static List<JsonNode> rows(String select, CompiledView compiled) throws SQLException {
        List<JsonNode> rows = new ArrayList<>();
        Map<String, Boolean> collection = new java.util.HashMap<>();
        compiled.columnDefinitions().forEach(c -> collection.put(c.name(), c.collection()));
        try (Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery(select)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                ObjectNode row = JsonNodeFactory.instance.objectNode();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String column = md.getColumnLabel(i);
                    row.set(column, json(rs.getObject(i), Boolean.TRUE.equals(collection.get(column))));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static JsonNode json(Object v, boolean collection) {
        if (v == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (collection) {
            try {
                return MAPPER.readTree(v.toString());
            } catch (IOException e) {
                throw new AssertionError("collection column is not JSON: " + v, e);
            }
        }
        if (v instanceof Boolean b) {
            return JsonNodeFactory.instance.booleanNode(b);
        }
        if (v instanceof Number n) {
            return JsonNodeFactory.instance.numberNode(new BigDecimal(n.toString()));
        }
        return JsonNodeFactory.instance.textNode(v.toString());
    }

    /** Rows as canonical JSON text, sorted: a multiset comparison that ignores key order. */
    private static List<String> canonical(List<JsonNode> rows) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : rows) {
            out.add(canonical(r));
        }
        out.sort(null);
        return out;
    }

    private static String canonical(JsonNode n) {
        if (n.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            n.fieldNames().forEachRemaining(keys::add);
            StringBuilder sb = new StringBuilder("{");
            for (String k : keys) {
                sb.append(sb.length() > 1 ? "," : "")
                        .append('"')
                        .append(k)
                        .append("\":")
                        .append(canonical(n.get(k)));
            }
            return sb.append('}').toString();
        }
        if (n.isArray()) {
            StringBuilder sb = new StringBuilder("[");
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                sb.append(sb.length() > 1 ? "," : "").append(canonical(it.next()));
            }
            return sb.append(']').toString();
        }
        if (n.isNumber()) {
            BigDecimal d = n.decimalValue().stripTrailingZeros();
            return d.signum() == 0 ? "0" : d.toPlainString();
        }
        return n.toString();
    }
}
