package io.fhirpipe.sqlonfhir.fhirpath;

import java.util.List;

/** A parsed FHIRPath expression. The sealed set is the whole grammar the parser accepts. */
public sealed interface Expr {

    /** A literal; {@code type} is the FHIRPath type: string, integer, decimal, boolean, date, dateTime, time. */
    record Literal(String type, String text) implements Expr {}

    /** {@code {}}. */
    record Empty() implements Expr {}

    /** {@code $this}, or the implicit input of a leading member or function. */
    record This() implements Expr {}

    /** {@code $index}. */
    record Index() implements Expr {}

    /** {@code %name}, e.g. a ViewDefinition constant or {@code %rowIndex}. */
    record Variable(String name) implements Expr {}

    /** {@code target.name}. */
    record Member(Expr target, String name) implements Expr {}

    /** {@code target.name(args)}; type-name arguments ({@code ofType(Quantity)}) are Members of This. */
    record Call(Expr target, String name, List<Expr> args) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** {@code target[index]}. */
    record Indexer(Expr target, Expr index) implements Expr {}

    /** A binary operator: = != ~ !~ &lt; &gt; &lt;= &gt;= + - * / div mod &amp; | and or xor implies in contains. */
    record Binary(String op, Expr left, Expr right) implements Expr {}

    /** Unary {@code -} or {@code +}. */
    record Unary(String op, Expr operand) implements Expr {}

    /** {@code expr is Type} / {@code expr as Type}. */
    record TypeOp(String op, Expr operand, String type) implements Expr {}
}
