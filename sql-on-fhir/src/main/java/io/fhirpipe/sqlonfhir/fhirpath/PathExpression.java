package io.fhirpipe.sqlonfhir.fhirpath;

import java.util.List;

/**
 * A parsed expression: a chain of steps, optionally compared with {@code =} to an operand (only
 * meaningful in view-level {@code where} clauses).
 */
public record PathExpression(String text, List<Step> steps, Operand equalTo) {

  public PathExpression {
    steps = List.copyOf(steps);
  }
}
