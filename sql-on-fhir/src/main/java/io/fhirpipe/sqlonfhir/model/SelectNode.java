package io.fhirpipe.sqlonfhir.model;

import java.util.List;

/**
 * One {@code select} entry. At most one of forEach / forEachOrNull / repeat is set; none means
 * the node is evaluated once in its parent's context. {@code repeat} lists the paths followed
 * recursively from the context, each reached element giving one row.
 */
public record SelectNode(
        List<Column> columns,
        String forEach,
        String forEachOrNull,
        List<String> repeat,
        List<SelectNode> select,
        List<SelectNode> unionAll) {

    public SelectNode {
        columns = List.copyOf(columns);
        repeat = List.copyOf(repeat);
        select = List.copyOf(select);
        unionAll = List.copyOf(unionAll);
    }

    public SelectNode(
            List<Column> columns,
            String forEach,
            String forEachOrNull,
            List<SelectNode> select,
            List<SelectNode> unionAll) {
        this(columns, forEach, forEachOrNull, List.of(), select, unionAll);
    }

    /** The iteration path of forEach / forEachOrNull, whichever is set. */
    public String iterationPath() {
        return forEach != null ? forEach : forEachOrNull;
    }
}
