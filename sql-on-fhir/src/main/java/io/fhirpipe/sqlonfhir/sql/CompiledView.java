package io.fhirpipe.sqlonfhir.sql;

import io.fhirpipe.sqlonfhir.model.Column;
import java.util.List;

/**
 * A ViewDefinition compiled for one dialect: the SELECT over the raw table, the output column
 * names in order, their definitions (FHIR type hint, collection flag: what a loader needs to
 * declare typed tables, e.g. OPENJSON ... WITH), and the statement creating a view of that name.
 */
public record CompiledView(
        String name, String select, List<String> columns, List<Column> columnDefinitions, String createView) {
    public CompiledView {
        columns = List.copyOf(columns);
        columnDefinitions = List.copyOf(columnDefinitions);
    }
}
