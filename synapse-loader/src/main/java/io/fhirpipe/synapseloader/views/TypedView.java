package io.fhirpipe.synapseloader.views;

import java.util.List;

/**
 * A ViewDefinition compiled for the loader: its typed table, the resource type it reads, its
 * columns as the ViewDefinition names them, and two SELECTs with {@link LoaderViews#RESOURCE_KEY}
 * as the first column: one over the rows of the chunk being loaded (to rebuild the affected ids)
 * and one over the whole raw table (to rebuild the table when its definition changed).
 */
public record TypedView(
        String table, String resourceType, List<String> columns, String selectFromChunk, String selectFromRaw) {

    public TypedView {
        columns = List.copyOf(columns);
    }
}
