package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.sqlonfhir.sql.SqlDialect;
import io.fhirpipe.sqlonfhir.sql.TSqlDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Injection attempts through every user-controlled string, and the start-up failure for
 * expressions outside the supported subset.
 */
class SafetyTest {

    private static final List<SqlDialect> DIALECTS = List.of(new DuckDbDialect(), new TSqlDialect());

    private static ViewDefinition view(String json) {
        return new ViewDefinitionParser().parse(json.replace('`', '"'));
    }

    @Test
    void viewNameInjectionIsRejected() {
        ViewDefinition v = view("""
        {`name`:`x\\`; DROP TABLE raw_resources; --`,`resource`:`Patient`,
         `select`:[{`column`:[{`name`:`id`,`path`:`id`}]}]}""");
        for (SqlDialect d : DIALECTS) {
            assertThatThrownBy(() -> new ViewCompiler(d, "raw_resources", "resource").compile(v))
                    .isInstanceOf(ViewCompilationException.class)
                    .hasMessageContaining("DROP TABLE raw_resources")
                    .hasMessageContaining("letters, digits and underscore");
        }
    }

    @Test
    void columnNameInjectionIsRejected() {
        ViewDefinition v = view("""
        {`name`:`p`,`resource`:`Patient`,
         `select`:[{`column`:[{`name`:`id] FROM x; DROP TABLE y; --`,`path`:`id`}]}]}""");
        for (SqlDialect d : DIALECTS) {
            assertThatThrownBy(() -> new ViewCompiler(d, "raw_resources", "resource").compile(v))
                    .isInstanceOf(ViewCompilationException.class)
                    .hasMessageContaining("column 'id] FROM x; DROP TABLE y; --'");
        }
    }

    @Test
    void tableAndResourceTypeInjectionIsRejected() {
        for (SqlDialect d : DIALECTS) {
            assertThatThrownBy(() -> new ViewCompiler(d, "raw; DROP TABLE x", "resource"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new ViewCompiler(d, "raw_resources", "resource]--"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        ViewDefinition v = view("""
        {`name`:`p`,`resource`:`Patient' OR 1=1 --`,
         `select`:[{`column`:[{`name`:`id`,`path`:`id`}]}]}""");
        assertThatThrownBy(() -> new ViewCompiler(new TSqlDialect(), "raw", "resource").compile(v))
                .isInstanceOf(ViewCompilationException.class);
    }

    @Test
    void quoteEscapesClosingBracketAndDoubleQuote() {
        // identifiers are validated first, so quote() refuses rather than escapes hostile names
        assertThatThrownBy(() -> new TSqlDialect().quote("a]b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DuckDbDialect().quote("a\"b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new TSqlDialect().string("O'Brien")).isEqualTo("N'O''Brien'");
        assertThat(new DuckDbDialect().string("O'Brien")).isEqualTo("'O''Brien'");
    }

    @Test
    void literalInjectionThroughWhereValuesIsNeutralised() throws Exception {
        String hostile = "x' OR '1'='1'; DROP TABLE raw_resources; --";
        ViewDefinition v =
                view("""
        {`name`:`p`,`resource`:`Patient`,
         `constant`:[{`name`:`evil`,`valueString`:`%s`}],
         `select`:[{`column`:[{`name`:`id`,`path`:`id`},
           {`name`:`phone`,`path`:`telecom.where(system = 'x\\\\' OR 1=1 --').value`},
           {`name`:`ext`,`path`:`extension('%s').value.ofType(string)`}]}],
         `where`:[{`path`:`gender = %%evil`}]}""".formatted(hostile, hostile.replace("'", "\\\\'")).replace("%%", "%"));
        CompiledView tsql = new ViewCompiler(new TSqlDialect(), "raw_resources", "resource").compile(v);
        assertThat(tsql.select())
                .contains("N'x'' OR ''1''=''1''; DROP TABLE raw_resources; --'")
                .contains("N'x'' OR 1=1 --'");
        CompiledView duck = new ViewCompiler(new DuckDbDialect(), "raw_resources", "resource").compile(v);
        try (DuckDbFixture db = new DuckDbFixture()) {
            assertThat(db.rows(duck.select())).isEmpty();
            try (Statement s = db.connection().createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM raw_resources")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(DuckDbFixture.RESOURCES.length);
            }
        }
    }

    @Test
    void unsupportedFunctionFailsNamingViewColumnAndExpression() {
        ViewDefinition v = view("""
        {`name`:`patient_bad`,`resource`:`Patient`,
         `select`:[{`column`:[{`name`:`id`,`path`:`id`},
           {`name`:`name_count`,`path`:`name.count()`}]}]}""");
        for (SqlDialect d : DIALECTS) {
            assertThatThrownBy(() -> new ViewCompiler(d, "raw_resources", "resource").compile(v))
                    .isInstanceOf(ViewCompilationException.class)
                    .hasMessage("ViewDefinition 'patient_bad', column 'name_count', expression "
                            + "'name.count()': unsupported function 'count()'")
                    .satisfies(e -> {
                        ViewCompilationException ve = (ViewCompilationException) e;
                        assertThat(ve.view()).isEqualTo("patient_bad");
                        assertThat(ve.column()).isEqualTo("name_count");
                        assertThat(ve.expression()).isEqualTo("name.count()");
                    });
        }
    }

    @Test
    void unsupportedSyntaxFailsInForEachAndWhere() {
        ViewDefinition union = view("""
        {`name`:`v`,`resource`:`Patient`,`select`:[{`forEach`:`name | telecom`,
           `column`:[{`name`:`id`,`path`:`id`}]}]}""");
        assertThatThrownBy(() -> new ViewCompiler(new DuckDbDialect(), "raw", "resource").compile(union))
                .isInstanceOf(ViewCompilationException.class)
                .hasMessageContaining("column 'forEach', expression 'name | telecom'");
        ViewDefinition where = view("""
        {`name`:`v`,`resource`:`Patient`,`select`:[{`column`:[{`name`:`id`,`path`:`id`}]}],
         `where`:[{`path`:`birthDate ~ '2000'`}]}""");
        assertThatThrownBy(() -> new ViewCompiler(new TSqlDialect(), "raw", "resource").compile(where))
                .isInstanceOf(ViewCompilationException.class)
                .hasMessageContaining("column 'where', expression 'birthDate ~ '2000''");
        ViewDefinition constant = view("""
        {`name`:`v`,`resource`:`Patient`,`select`:[{`column`:[
          {`name`:`mrn`,`path`:`identifier.where(system = %missing).value`}]}]}""");
        assertThatThrownBy(() -> new ViewCompiler(new TSqlDialect(), "raw", "resource").compile(constant))
                .isInstanceOf(ViewCompilationException.class)
                .hasMessageContaining("unknown constant %missing");
    }
}
