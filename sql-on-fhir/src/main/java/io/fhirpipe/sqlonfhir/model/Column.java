package io.fhirpipe.sqlonfhir.model;

/**
 * A {@code column} entry; {@code type} is the FHIR type hint and may be null. {@code single} is an
 * explicit {@code collection: false}: several values are then an error, as the specification
 * asks; without it a column keeps the first value (the shipped views rely on that for elements
 * such as {@code telecom.where(system = 'phone').value}).
 */
public record Column(String name, String path, boolean collection, String type, boolean single) {

  public Column(String name, String path, boolean collection, String type) {
    this(name, path, collection, type, false);
  }
}
