package io.fhirpipe.sqlonfhir.model;

import java.util.List;
import java.util.Map;

/**
 * A parsed SQL on FHIR v2 ViewDefinition. Constants are kept as their literal text because every
 * comparison the compiler emits is made on the JSON text of an element (see {@code Literal}).
 */
public record ViewDefinition(
    String name,
    String resource,
    Map<String, String> constants,
    List<SelectNode> select,
    List<String> where) {

  public ViewDefinition {
    constants = Map.copyOf(constants);
    select = List.copyOf(select);
    where = List.copyOf(where);
  }
}
