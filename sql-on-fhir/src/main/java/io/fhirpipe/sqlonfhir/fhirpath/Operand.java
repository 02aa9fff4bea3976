package io.fhirpipe.sqlonfhir.fhirpath;

/** Right-hand side of an equality: a literal's text or a {@code %constant} reference. */
public sealed interface Operand {

  record Literal(String text) implements Operand {}

  record ConstantRef(String name) implements Operand {}
}
