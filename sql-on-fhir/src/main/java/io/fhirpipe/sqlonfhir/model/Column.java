package io.fhirpipe.sqlonfhir.model;

/** A {@code column} entry; {@code type} is the FHIR type hint and may be null. */
public record Column(String name, String path, boolean collection, String type) {}
