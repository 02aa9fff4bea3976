package io.fhirpipe.synapseloader.tsql;

import io.fhirpipe.sqlonfhir.model.AnsiType;
import io.fhirpipe.sqlonfhir.model.Column;
import java.util.Locale;

/**
 * SQL column types of typed tables, from a ViewDefinition column's {@code ansi/type} tag or FHIR
 * type hint, matching what the view SQL yields: DATE and DATETIME2(6) (UTC) for the ansi/type
 * dates (DATETIME2, not DATETIMEOFFSET, because Fabric Warehouse tables have none; 6 digits is
 * Fabric's maximum), BIT / BIGINT / FLOAT for the TRY_CAST booleans, integers and decimals, and
 * text otherwise: bounded (JSON_VALUE returns at most 4000 characters) except for collection and
 * join() columns, which aggregate several values.
 */
final class TypedColumns {

    private TypedColumns() {}

    static String sqlType(Column column, boolean unicode) {
        if (column.ansiType() != null) {
            // the compiler has refused any other ansi/type before a table is declared
            return AnsiType.parse(column.ansiType()).orElseThrow() == AnsiType.DATE ? "DATE" : "DATETIME2(6)";
        }
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
