package io.fhirpipe.synapseloader.tsql;

import io.fhirpipe.sqlonfhir.model.Column;
import java.util.Locale;

/**
 * SQL column types of typed tables, from a ViewDefinition column's type hint. The view SQL casts
 * booleans, integers and decimals (TRY_CAST) and leaves everything else as text, so the table
 * agrees: text is bounded (JSON_VALUE returns at most 4000 characters) except for collection and
 * join() columns, which aggregate several values.
 */
final class TypedColumns {

  private TypedColumns() {}

  static String sqlType(Column column, boolean unicode) {
    String type = column.type() == null ? "" : column.type().toLowerCase(Locale.ROOT);
    switch (type) {
      case "boolean":
        return "BIT";
      case "integer", "positiveint", "unsignedint", "integer64":
        return "BIGINT";
      case "decimal":
        return "FLOAT";
      default:
        boolean unbounded = column.collection()
            || (column.path() != null && column.path().contains("join("));
        return unicode
            ? (unbounded ? "NVARCHAR(MAX)" : "NVARCHAR(4000)")
            : (unbounded ? "VARCHAR(MAX)" : "VARCHAR(8000)");
    }
  }
}
