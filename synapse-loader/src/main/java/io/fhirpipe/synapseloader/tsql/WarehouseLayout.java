package io.fhirpipe.synapseloader.tsql;

import io.fhirpipe.sqlonfhir.sql.SqlIdentifiers;

/**
 * Schemas of the T-SQL warehouse, mirroring the DuckDB layout: {@code raw.{Type}} holds the
 * latest version of each resource, {@code typed.{view}} the ViewDefinition rows with
 * {@code _resource_key} first, {@code control} the chunk ledger and the staging tables.
 */
public record WarehouseLayout(String rawSchema, String typedSchema, String controlSchema) {

    public static final String RESOURCE_KEY = "_resource_key";
    public static final String LEDGER_TABLE = "chunk_ledger";

    public WarehouseLayout {
        SqlIdentifiers.requireValid(rawSchema, "raw schema");
        SqlIdentifiers.requireValid(typedSchema, "typed schema");
        SqlIdentifiers.requireValid(controlSchema, "control schema");
    }

    public static WarehouseLayout defaults() {
        return new WarehouseLayout("raw", "dbo", "fhirpipe");
    }
}
