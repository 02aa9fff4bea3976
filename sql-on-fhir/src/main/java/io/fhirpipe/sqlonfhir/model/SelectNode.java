package io.fhirpipe.sqlonfhir.model;

import java.util.List;

/**
 * One {@code select} entry. At most one of forEach / forEachOrNull is set; both null means the
 * node is evaluated once in its parent's context.
 */
public record SelectNode(
    List<Column> columns,
    String forEach,
    String forEachOrNull,
    List<SelectNode> select,
    List<SelectNode> unionAll) {

  public SelectNode {
    columns = List.copyOf(columns);
    select = List.copyOf(select);
    unionAll = List.copyOf(unionAll);
  }

  /** The iteration path, whichever of the two kinds it is. */
  public String iterationPath() {
    return forEach != null ? forEach : forEachOrNull;
  }
}
