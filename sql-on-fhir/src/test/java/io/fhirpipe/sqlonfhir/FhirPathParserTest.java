package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.sqlonfhir.fhirpath.Expr;
import io.fhirpipe.sqlonfhir.fhirpath.FhirPathParser;
import io.fhirpipe.sqlonfhir.fhirpath.UnsupportedPathException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Expressions parse into the tree by FHIRPath precedence; malformed text is refused. */
class FhirPathParserTest {

    private static final Expr THIS = new Expr.This();

    @Test
    void invocationsIndexersAndFunctionArguments() {
        assertThat(FhirPathParser.parse("name[0].given.join(', ')"))
                .isEqualTo(new Expr.Call(
                        new Expr.Member(
                                new Expr.Indexer(new Expr.Member(THIS, "name"), new Expr.Literal("integer", "0")),
                                "given"),
                        "join",
                        List.of(new Expr.Literal("string", ", "))));
        assertThat(FhirPathParser.parse("value.ofType(Quantity)"))
                .isEqualTo(new Expr.Call(
                        new Expr.Member(THIS, "value"), "ofType", List.of(new Expr.Member(THIS, "Quantity"))));
        assertThat(FhirPathParser.parse("%rowIndex")).isEqualTo(new Expr.Variable("rowIndex"));
    }

    @Test
    void operatorPrecedence() {
        // and binds tighter than or; comparison tighter than and; * tighter than +
        Expr e = FhirPathParser.parse("a = 1 or b > 2 and c");
        assertThat(e).isInstanceOf(Expr.Binary.class);
        Expr.Binary or = (Expr.Binary) e;
        assertThat(or.op()).isEqualTo("or");
        assertThat(((Expr.Binary) or.right()).op()).isEqualTo("and");
        Expr.Binary sum = (Expr.Binary) FhirPathParser.parse("1 + 2 * 3");
        assertThat(sum.op()).isEqualTo("+");
        assertThat(((Expr.Binary) sum.right()).op()).isEqualTo("*");
        assertThat(FhirPathParser.parse("(gender = 'male').not()")).isInstanceOf(Expr.Call.class);
    }

    @Test
    void literalsOfEveryType() {
        assertThat(FhirPathParser.parse("1.5")).isEqualTo(new Expr.Literal("decimal", "1.5"));
        assertThat(FhirPathParser.parse("false")).isEqualTo(new Expr.Literal("boolean", "false"));
        assertThat(FhirPathParser.parse("@2020-01")).isEqualTo(new Expr.Literal("date", "2020-01"));
        assertThat(FhirPathParser.parse("@2020-01-01T10:00"))
                .isEqualTo(new Expr.Literal("dateTime", "2020-01-01T10:00"));
        assertThat(FhirPathParser.parse("@T12:30")).isEqualTo(new Expr.Literal("time", "12:30"));
        assertThat(FhirPathParser.parse("'O\\'Brien'")).isEqualTo(new Expr.Literal("string", "O'Brien"));
        assertThat(FhirPathParser.parse("{}")).isEqualTo(new Expr.Empty());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "@@",
                "",
                "name.",
                "name[0",
                "a = ",
                "name.given)",
                "1 'mg'",
                "name.where(use = 'x'",
                "x\"; DROP TABLE t; --"
            })
    void malformedExpressionsAreRefused(String text) {
        assertThatThrownBy(() -> FhirPathParser.parse(text)).isInstanceOf(UnsupportedPathException.class);
    }
}
