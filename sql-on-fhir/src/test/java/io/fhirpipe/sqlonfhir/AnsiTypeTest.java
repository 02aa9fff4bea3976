package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.model.Column;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.sqlonfhir.sql.SqlDialect;
import io.fhirpipe.sqlonfhir.sql.TSqlDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Columns tagged {@code ansi/type} (the specification's way to ask for a SQL type): DATE and
 * TIMESTAMP WITH TIME ZONE from every legal FHIR date / dateTime / instant text, in UTC whatever
 * the offset or the session's time zone; partial dates as their first day; anything else refused
 * at compile time naming view, column and expression.
 */
class AnsiTypeTest {

    private static final String VIEW = """
      {"name": "dates", "resource": "Patient", "select": [{"column": [
        {"name": "id", "path": "id"},
        {"name": "day", "path": "birthDate", "type": "date",
         "tag": [{"name": "ansi/type", "value": "DATE"}]},
        {"name": "at", "path": "deceased.ofType(dateTime)", "type": "dateTime",
         "tag": [{"name": "other/type", "value": "ignored"},
                 {"name": "ansi/type", "value": "timestamp  with time zone"}]},
        {"name": "text", "path": "deceased.ofType(dateTime)"}]}]}""";

    private static ViewDefinition view(String json) {
        return new ViewDefinitionParser().parse(json);
    }

    @Test
    void theTagIsReadAndOtherTagsAreLeftAlone() {
        List<Column> columns = view(VIEW).select().get(0).columns();
        assertThat(columns)
                .extracting(Column::ansiType)
                .containsExactly(null, "DATE", "timestamp  with time zone", null);
        assertThatThrownBy(() -> view("""
        {"name": "v", "resource": "Patient", "select": [{"column": [{"name": "d", "path": "birthDate",
         "tag": [{"name": "ansi/type", "value": "DATE"}, {"name": "ansi/type", "value": "DATE"}]}]}]}"""))
                .hasMessageContaining("'v'")
                .hasMessageContaining("column 'd'")
                .hasMessageContaining("more than one ansi/type");
    }

    @Test
    void everyLegalFhirTextBecomesTheSameDayOrInstantInUtc() throws Exception {
        String[][] cases = {
            // id, birthDate, deceasedDateTime, expected day, expected instant (UTC)
            {"a", "1975", "2020", "1975-01-01", "2020-01-01T00:00Z"},
            {"b", "1980-05", "2020-05", "1980-05-01", "2020-05-01T00:00Z"},
            {"c", "1990-12-31", "2020-05-06", "1990-12-31", "2020-05-06T00:00Z"},
            {"d", "2000-01-01", "2020-05-06T23:30:00+05:30", "2000-01-01", "2020-05-06T18:00Z"},
            {"e", "2000-01-02", "2020-05-06T20:30:00.123456789-08:00", "2000-01-02", "2020-05-07T04:30:00.123456Z"},
            {"f", "2000-01-03", "2020-05-06T10:00:00Z", "2000-01-03", "2020-05-06T10:00Z"},
            // no zone (not legal with a time, but seen): UTC, never the session's zone
            {"g", "2000-01-04", "2020-05-06T10:00:00", "2000-01-04", "2020-05-06T10:00Z"},
            {"h", "not a date", "not a dateTime", null, null},
        };
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement()) {
            s.execute("SET TimeZone = 'America/New_York'");
            s.execute("CREATE TABLE raw (resource JSON)");
            try (PreparedStatement insert = duck.prepareStatement("INSERT INTO raw VALUES (CAST(? AS JSON))")) {
                for (String[] c : cases) {
                    insert.setString(
                            1,
                            "{\"resourceType\":\"Patient\",\"id\":\"" + c[0] + "\",\"birthDate\":\"" + c[1]
                                    + "\",\"deceasedDateTime\":\"" + c[2] + "\"}");
                    insert.executeUpdate();
                }
            }
            CompiledView v = new ViewCompiler(new DuckDbDialect(), "raw", "resource").compile(view(VIEW));
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(v.select() + " ORDER BY 1")) {
                assertThat(rs.getMetaData().getColumnTypeName(2)).isEqualTo("DATE");
                assertThat(rs.getMetaData().getColumnTypeName(3)).isEqualTo("TIMESTAMP WITH TIME ZONE");
                assertThat(rs.getMetaData().getColumnTypeName(4)).isEqualTo("VARCHAR");
                while (rs.next()) {
                    LocalDate day = rs.getObject(2, LocalDate.class);
                    OffsetDateTime at = rs.getObject(3, OffsetDateTime.class);
                    rows.add(java.util.Arrays.asList(
                            rs.getString(1),
                            day == null ? null : day.toString(),
                            at == null
                                    ? null
                                    : at.withOffsetSameInstant(ZoneOffset.UTC).toString()));
                }
            }
            List<List<String>> expected = new ArrayList<>();
            for (String[] c : cases) {
                expected.add(java.util.Arrays.asList(c[0], c[3], c[4]));
            }
            assertThat(rows).isEqualTo(expected);
        }
    }

    @Test
    void tSqlHoldsUtcInDatetime2AndDates() throws Exception {
        CompiledView v = new ViewCompiler(new TSqlDialect(), "raw", "resource").compile(view(VIEW));
        Golden.assertMatches("ansi-types.tsql.sql", v.select());
        assertThat(v.select())
                .doesNotContain("DATETIMEOFFSET")
                .contains("DATETIME2(6)")
                .contains("TRY_CONVERT(DATE, ");
    }

    @Test
    void anUnsupportedOrMisplacedTypeFailsNamingViewColumnAndExpression() {
        String[][] bad = {
            {
                "{\"name\": \"g\", \"path\": \"gender\", \"tag\": [{\"name\": \"ansi/type\", \"value\": \"DATE\"}]}",
                "column 'g', expression 'gender'",
                "needs a date, dateTime or instant value, not code"
            },
            {
                "{\"name\": \"b\", \"path\": \"birthDate\", \"tag\": [{\"name\": \"ansi/type\", \"value\": \"VARCHAR(10)\"}]}",
                "column 'b', expression 'birthDate'",
                "ansi/type 'VARCHAR(10)' is not supported"
            },
            {
                "{\"name\": \"c\", \"path\": \"birthDate\", \"collection\": true,"
                        + " \"tag\": [{\"name\": \"ansi/type\", \"value\": \"DATE\"}]}",
                "column 'c', expression 'birthDate'",
                "ansi/type on a collection column"
            },
        };
        for (String[] b : bad) {
            ViewDefinition v = view(
                    "{\"name\": \"typed\", \"resource\": \"Patient\", \"select\": [{\"column\": [" + b[0] + "]}]}");
            for (SqlDialect d : List.of(new DuckDbDialect(), new TSqlDialect())) {
                assertThatThrownBy(() -> new ViewCompiler(d, "raw", "resource").compile(v))
                        .isInstanceOf(ViewCompilationException.class)
                        .hasMessageContaining("ViewDefinition 'typed'")
                        .hasMessageContaining(b[1])
                        .hasMessageContaining(b[2]);
            }
        }
    }
}
