package io.fhirpipe.sqlonfhir.sql;

import java.util.List;

/**
 * DuckDB: json_extract / json_extract_string, lateral joins for forEach. Paths through repeating
 * elements are not rendered with {@link #iterate} / {@link #firstRow} (json_each subqueries) but
 * as list expressions by {@link DuckDbPathLists}, which {@link NavigationRenderer} picks for this
 * dialect; those methods stay correct for any caller of the {@link SqlDialect} contract.
 */
public final class DuckDbDialect implements SqlDialect {

  @Override
  public String quote(String identifier) {
    return "\"" + SqlIdentifiers.requireValid(identifier, "identifier") + "\"";
  }

  @Override
  public String string(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  @Override
  public String jsonText(String context, List<String> path) {
    return "json_extract_string(" + context + ", " + string(JsonPaths.of(path)) + ")";
  }

  @Override
  public String jsonFragment(String context, List<String> path) {
    return path.isEmpty() ? context
        : "json_extract(" + context + ", " + string(JsonPaths.of(path)) + ")";
  }

  @Override
  public String iterate(String context, List<String> path, String alias) {
    return "json_each(" + context + ", " + string(JsonPaths.of(path)) + ") AS " + alias;
  }

  @Override
  public String iterateNext(String context, List<String> path, String alias) {
    return ", " + iterate(context, path, alias);
  }

  @Override
  public String element(String alias) {
    return alias + ".\"value\"";
  }

  @Override
  public String position(String alias) {
    return alias + ".\"id\"";
  }

  @Override
  public String firstRow(String selectExpr, String from, String where, String orderBy) {
    return "(SELECT " + selectExpr + " FROM " + from + where(where) + " ORDER BY " + orderBy
        + " LIMIT 1)";
  }

  @Override
  public String present(String context, List<String> path) {
    return "json_extract(" + context + ", " + string(JsonPaths.of(path)) + ") IS NOT NULL";
  }

  @Override
  public String booleanValue(String predicate) {
    return "(" + predicate + ")";
  }

  @Override
  public String cast(String text, String fhirType) {
    String sqlType = FhirTypes.kind(fhirType) == FhirTypes.Kind.BOOLEAN ? "BOOLEAN"
        : FhirTypes.kind(fhirType) == FhirTypes.Kind.INTEGER ? "BIGINT"
        : FhirTypes.kind(fhirType) == FhirTypes.Kind.DECIMAL ? "DOUBLE" : null;
    return sqlType == null ? text : "TRY_CAST(" + text + " AS " + sqlType + ")";
  }

  @Override
  public String referenceKey(String reference, String type) {
    if (type == null) {
      return "nullif(regexp_extract(" + reference + ", '[^/]+$'), '')";
    }
    String prefix = type + "/";
    return "CASE WHEN starts_with(" + reference + ", " + string(prefix) + ") THEN substr("
        + reference + ", " + (prefix.length() + 1) + ") END";
  }

  @Override
  public String joinAggregate(String value, String separator, String orderBy) {
    return "string_agg(" + value + ", " + string(separator) + " ORDER BY " + orderBy + ")";
  }

  @Override
  public String jsonArrayAggregate(String value, String orderBy) {
    return "to_json(list(" + value + " ORDER BY " + orderBy + "))";
  }

  @Override
  public String lateral(String subquery, String alias, boolean outer) {
    return outer
        ? " LEFT JOIN LATERAL (" + subquery + ") AS " + alias + " ON TRUE"
        : " CROSS JOIN LATERAL (" + subquery + ") AS " + alias;
  }

  @Override
  public String unitRow(String alias) {
    return "(SELECT 1 AS one) AS " + alias;
  }

  @Override
  public String createView(String name, String select) {
    return "CREATE OR REPLACE VIEW " + quote(name) + " AS " + select;
  }

  private static String where(String where) {
    return where.isEmpty() ? "" : " WHERE " + where;
  }
}
