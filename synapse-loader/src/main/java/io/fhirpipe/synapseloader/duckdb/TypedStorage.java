package io.fhirpipe.synapseloader.duckdb;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How the DuckDB warehouse keeps each ViewDefinition's typed rows ({@code fhirpipe.loader.duckdb.typed}).
 *
 * <ul>
 *   <li>{@link #TABLES}: a table per view, maintained in every load transaction (the rows of the
 *       chunk's ids are replaced). Queries read stored columns; loads cost more.</li>
 *   <li>{@link #VIEWS}: a DuckDB VIEW per ViewDefinition over the raw table, created or replaced at
 *       start-up. The raw table holds only the latest version of each id and deletions are removed
 *       from it, so the view is always exact; loads only merge into raw, and every query (and
 *       curated snapshot) evaluates the JSON paths again.</li>
 * </ul>
 */
public enum TypedStorage {
    TABLES("tables"),
    VIEWS("views");

    public static final String PROPERTY = "fhirpipe.loader.duckdb.typed";

    private final String configName;

    TypedStorage(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The value of {@value #PROPERTY}, or empty when it is none of the known ones. */
    public static Optional<TypedStorage> parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.configName.equals(v)).findFirst();
    }
}
