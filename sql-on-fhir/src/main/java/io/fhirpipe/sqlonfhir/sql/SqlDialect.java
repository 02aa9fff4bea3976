package io.fhirpipe.sqlonfhir.sql;

import java.util.List;

/**
 * The SQL fragments that differ between warehouse families. Every method receives already-safe
 * pieces (validated identifiers, JSON path segments from the FHIRPath parser, or SQL built by this
 * dialect) and is responsible for quoting and escaping anything it adds.
 */
public interface SqlDialect {

  /** Quotes a validated identifier. */
  String quote(String identifier);

  /** A string literal with quotes escaped. */
  String string(String value);

  /** Text of the scalar at {@code path} below the JSON {@code context}. */
  String jsonText(String context, List<String> path);

  /** JSON fragment (object or array) at {@code path}, for iteration sources. */
  String jsonFragment(String context, List<String> path);

  /** First FROM item iterating the array at {@code path}; rows expose {@link #element}. */
  String iterate(String context, List<String> path, String alias);

  /** A further FROM item iterating an array below an earlier item (lateral). */
  String iterateNext(String context, List<String> path, String alias);

  /** The JSON element an iteration alias currently points at. */
  String element(String alias);

  /** Position of the element within its array, for deterministic first(). */
  String position(String alias);

  /** A scalar subquery returning the first row. */
  String firstRow(String selectExpr, String from, String where, String orderBy);

  /** A value expression "not null" test at {@code path} (objects count as present). */
  String present(String context, List<String> path);

  /** Turns a predicate into a boolean column value. */
  String booleanValue(String predicate);

  /** Casts text to the SQL type for a FHIR type hint (null or string-like: unchanged). */
  String cast(String text, String fhirType);

  /** The id in a reference string, if it points at {@code type} (null: any type). */
  String referenceKey(String reference, String type);

  /** Aggregate text values into a string joined by {@code separator}. */
  String joinAggregate(String value, String separator, String orderBy);

  /** Aggregate text values into a JSON array text. */
  String jsonArrayAggregate(String value, String orderBy);

  /** A lateral join of a row source; outer keeps the parent row when the source is empty. */
  String lateral(String subquery, String alias, boolean outer);

  /** A one-row FROM item, so a unionAll branch can start a lateral chain. */
  String unitRow(String alias);

  /** Statement creating or replacing a view named {@code name} over {@code select}. */
  String createView(String name, String select);
}
