package io.fhirpipe.sqlonfhir.sql;

import io.fhirpipe.sqlonfhir.model.AnsiType;
import java.util.List;

/**
 * The SQL that differs between warehouse families. FHIRPath values are compiled in two forms: an
 * <em>item</em> (one JSON element: DuckDB a JSON value, T-SQL the text OPENJSON gives, i.e. JSON
 * for objects and plain text for primitives; NULL when empty) and a <em>list</em> (the items of a
 * collection in order: DuckDB a JSON[] list, T-SQL a JSON array text; NULL counts as empty).
 * Booleans are three-valued SQL values (DuckDB BOOLEAN, T-SQL BIT). Every method receives
 * already-safe pieces (validated identifiers, JSON path segments from the FHIRPath parser, or
 * SQL built by this dialect) and quotes or escapes anything it adds.
 */
public interface SqlDialect {

    /** The dialect for compiling one statement (a fresh one where it numbers aliases). */
    default SqlDialect forStatement() {
        return this;
    }

    /** A path segment below an item: an element name, iterated when {@code repeats}. */
    record Segment(String name, boolean repeats) {}

    String quote(String identifier);

    String string(String value);

    /** The item at {@code path} (no repeating segment) below the item {@code base}. */
    String pathItem(String base, List<String> path, boolean complex);

    /** Text of the primitive at {@code path} (no repeating segment) below the item {@code base}. */
    String pathText(String base, List<String> path);

    /** The list of what {@code path} reaches below the item {@code base} (some segment repeats). */
    String pathList(String base, List<Segment> path);

    /** A list of the item, empty when it is NULL; {@code type} is its FHIR type. */
    String itemList(String item, String type);

    /** The list of the items of {@code list} whose criterion over {@link #itemRef} holds. */
    String filter(String list, String var, String predicate);

    /** A list of the string {@code text} computed for each element of {@code list} (NULLs dropped). */
    String transform(String list, String var, String text);

    /** Each element's list, concatenated in order. */
    String flatMap(String list, String var, String itemList);

    /** The element of a list bound to {@code var} in {@link #filter} / {@link #transform}. */
    String itemRef(String var);

    /** The item at the 0-based {@code index}, NULL beyond the end. */
    String at(String list, String index);

    String count(String list);

    String concat(String a, String b);

    String emptyList();

    /** FHIRPath {@code =} of two lists: same items in order; NULL when either is empty. */
    String listEquals(String a, String b);

    /** The only item, or a run-time error naming {@code what} when there are several. */
    String single(String list, String what);

    /** The JSON array text of a list, {@code []} when empty. */
    String jsonArray(String list);

    String join(String list, String separator);

    /** Text of a primitive item. */
    String itemText(String item);

    /** An item holding {@code text} of FHIR type {@code type}. */
    String textItem(String text, String type);

    /** The boolean literal. */
    String boolLiteral(boolean value);

    /** A three-valued boolean from a predicate (NULL when the predicate is unknown). */
    String bool(String predicate);

    /** A predicate true when the boolean is true. */
    String isTrue(String bool);

    String and(String a, String b);

    String or(String a, String b);

    String not(String a);

    /** Two texts concatenated (NULL when either is). */
    String concatText(String a, String b);

    /** A boolean column value (DuckDB BOOLEAN, T-SQL BIT). */
    String boolValue(String bool);

    /** JSON text of a complex item, for a column. */
    String jsonText(String item);

    /** Text of a boolean: 'true' / 'false' / NULL. */
    String boolText(String bool);

    String textToBool(String text);

    String textToNumber(String text);

    String numberText(String number);

    /** A column value of a FHIR type from text: BOOLEAN/BIT, BIGINT, DOUBLE/FLOAT, else text. */
    String cast(String text, String fhirType);

    /**
     * A column value of the {@code ansi/type} {@code type} from FHIR date / dateTime / instant
     * {@code text}: a partial date is its first day, a value without zone is UTC, and text that is
     * no date gives NULL rather than failing the statement.
     */
    String ansiValue(String text, AnsiType type);

    String referenceKey(String reference, String type);

    /** An expression failing at run time with {@code message}. */
    String error(String message);

    /** lowBoundary() / highBoundary() of a date, dateTime or time text. */
    String temporalBoundary(String text, String type, boolean high);

    /** lowBoundary() / highBoundary() of a decimal text: half a unit of its last digit. */
    String decimalBoundary(String text, boolean high);

    /** Row source of a list: columns "value" (an item) and "idx" (0-based position). */
    String rowSource(String list);

    /** The item the step of {@link #repeatSource} is applied to. */
    String repeatItem();

    /**
     * Row source of the recursive closure: the items of {@code start}, then of {@code step} (a list
     * over {@link #repeatItem}) applied to each item reached, numbered in depth-first order.
     */
    String repeatSource(String start, String step);

    String lateral(String subquery, String alias, boolean outer);

    String unitRow(String alias);

    String createView(String name, String select);
}
