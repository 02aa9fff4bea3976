package io.fhirpipe.sqlonfhir.model;

/**
 * A ViewDefinition {@code constant}: its FHIR type (from the {@code value[x]} suffix, e.g.
 * {@code valueCode} is {@code code}) and the JSON text of the value.
 */
public record Constant(String type, String value) {}
