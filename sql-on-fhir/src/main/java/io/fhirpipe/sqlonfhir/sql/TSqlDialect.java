package io.fhirpipe.sqlonfhir.sql;

import java.util.List;

/**
 * T-SQL for Synapse (dedicated and serverless) and Fabric Warehouse: JSON_VALUE / JSON_QUERY,
 * OPENJSON for iteration, CROSS APPLY / OUTER APPLY for forEach / forEachOrNull. Literals are
 * N'...' because resource text is Unicode.
 */
public final class TSqlDialect implements SqlDialect {

  @Override
  public String quote(String identifier) {
    // validated already; escaping ']' anyway keeps quote() safe on its own
    return "[" + SqlIdentifiers.requireValid(identifier, "identifier").replace("]", "]]") + "]";
  }

  @Override
  public String string(String value) {
    return "N'" + value.replace("'", "''") + "'";
  }

  @Override
  public String jsonText(String context, List<String> path) {
    // OPENJSON returns primitive array items as plain text, not JSON, so "$" must not be applied
    return path.isEmpty() ? context
        : "JSON_VALUE(" + context + ", " + string(JsonPaths.of(path)) + ")";
  }

  @Override
  public String jsonFragment(String context, List<String> path) {
    return path.isEmpty() ? context
        : "JSON_QUERY(" + context + ", " + string(JsonPaths.of(path)) + ")";
  }

  @Override
  public String iterate(String context, List<String> path, String alias) {
    return "OPENJSON(" + context + ", " + string(JsonPaths.of(path)) + ") AS " + alias;
  }

  @Override
  public String iterateNext(String context, List<String> path, String alias) {
    return " CROSS APPLY " + iterate(context, path, alias);
  }

  @Override
  public String element(String alias) {
    return alias + ".[value]";
  }

  @Override
  public String position(String alias) {
    return "CAST(" + alias + ".[key] AS INT)";
  }

  @Override
  public String firstRow(String selectExpr, String from, String where, String orderBy) {
    return "(SELECT TOP 1 " + selectExpr + " FROM " + from
        + (where.isEmpty() ? "" : " WHERE " + where) + " ORDER BY " + orderBy + ")";
  }

  @Override
  public String present(String context, List<String> path) {
    String p = string(JsonPaths.of(path));
    return "(JSON_VALUE(" + context + ", " + p + ") IS NOT NULL OR JSON_QUERY(" + context + ", "
        + p + ") IS NOT NULL)";
  }

  @Override
  public String booleanValue(String predicate) {
    return "CASE WHEN " + predicate + " THEN CAST(1 AS BIT) ELSE CAST(0 AS BIT) END";
  }

  @Override
  public String cast(String text, String fhirType) {
    String sqlType = FhirTypes.kind(fhirType) == FhirTypes.Kind.BOOLEAN ? "BIT"
        : FhirTypes.kind(fhirType) == FhirTypes.Kind.INTEGER ? "BIGINT"
        : FhirTypes.kind(fhirType) == FhirTypes.Kind.DECIMAL ? "FLOAT" : null;
    return sqlType == null ? text : "TRY_CAST(" + text + " AS " + sqlType + ")";
  }

  @Override
  public String referenceKey(String reference, String type) {
    if (type == null) {
      return "CASE WHEN CHARINDEX('/', " + reference + ") > 0 THEN RIGHT(" + reference
          + ", CHARINDEX('/', REVERSE(" + reference + ")) - 1) ELSE " + reference + " END";
    }
    String prefix = type + "/";
    return "CASE WHEN LEFT(" + reference + ", " + prefix.length() + ") = " + string(prefix)
        + " THEN SUBSTRING(" + reference + ", " + (prefix.length() + 1) + ", 4000) END";
  }

  @Override
  public String joinAggregate(String value, String separator, String orderBy) {
    return "STRING_AGG(" + value + ", " + string(separator) + ") WITHIN GROUP (ORDER BY "
        + orderBy + ")";
  }

  @Override
  public String jsonArrayAggregate(String value, String orderBy) {
    return "N'[' + STRING_AGG(N'\"' + STRING_ESCAPE(" + value + ", 'json') + N'\"', N',')"
        + " WITHIN GROUP (ORDER BY " + orderBy + ") + N']'";
  }

  @Override
  public String lateral(String subquery, String alias, boolean outer) {
    return (outer ? " OUTER APPLY (" : " CROSS APPLY (") + subquery + ") AS " + alias;
  }

  @Override
  public String unitRow(String alias) {
    return "(SELECT 1 AS one) AS " + alias;
  }

  @Override
  public String createView(String name, String select) {
    return "CREATE OR ALTER VIEW " + quote(name) + " AS " + select;
  }
}
