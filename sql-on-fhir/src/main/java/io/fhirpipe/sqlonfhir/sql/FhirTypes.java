package io.fhirpipe.sqlonfhir.sql;

/** Groups FHIR primitive type hints into the few SQL kinds the dialects distinguish. */
final class FhirTypes {

    enum Kind {
        BOOLEAN,
        INTEGER,
        DECIMAL,
        TEXT
    }

    private FhirTypes() {}

    static Kind kind(String fhirType) {
        if (fhirType == null) {
            return Kind.TEXT;
        }
        return switch (fhirType) {
            case "boolean" -> Kind.BOOLEAN;
            case "integer", "positiveInt", "unsignedInt", "integer64" -> Kind.INTEGER;
            case "decimal" -> Kind.DECIMAL;
            // dates stay text unless the column asks for ansi/type (SqlDialect.ansiValue): the hint
            // alone must keep FHIR text, partial dates ("2020", "2020-05") included
            default -> Kind.TEXT;
        };
    }
}
