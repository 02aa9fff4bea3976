package io.fhirpipe.sqlonfhir.model;

/**
 * A {@code column} entry; {@code type} is the FHIR type hint and may be null. {@code single} is an
 * explicit {@code collection: false}: several values are then an error, as the specification
 * asks; without it a column keeps the first value (the shipped views rely on that for elements
 * such as {@code telecom.where(system = 'phone').value}). {@code ansiType} is the value of the
 * column's {@code ansi/type} tag (the specification's way to ask for a SQL type, e.g.
 * {@code DATE}), null without one; which values are supported is decided by the compiler
 * ({@link AnsiType}).
 */
public record Column(String name, String path, boolean collection, String type, boolean single, String ansiType) {

    public Column(String name, String path, boolean collection, String type, boolean single) {
        this(name, path, collection, type, single, null);
    }

    public Column(String name, String path, boolean collection, String type) {
        this(name, path, collection, type, false, null);
    }
}
