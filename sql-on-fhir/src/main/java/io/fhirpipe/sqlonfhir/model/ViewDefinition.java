package io.fhirpipe.sqlonfhir.model;

import java.util.List;
import java.util.Map;

/**
 * A parsed SQL on FHIR v2 ViewDefinition. {@code name} may be null (the specification does not
 * require it); such a view compiles to a SELECT but cannot be created as a named view.
 */
public record ViewDefinition(
        String name, String resource, Map<String, Constant> constants, List<SelectNode> select, List<String> where) {

    public ViewDefinition {
        constants = Map.copyOf(constants);
        select = List.copyOf(select);
        where = List.copyOf(where);
    }
}
