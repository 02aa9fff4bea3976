package io.fhirpipe.sqlonfhir.model;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code ansi/type} tag values the compiler turns into SQL types. Both read FHIR date,
 * dateTime and instant text and never fail on a legal value: a partial date ({@code 2020},
 * {@code 2020-05}) becomes its first day, a date without time is midnight UTC.
 */
public enum AnsiType {
    /** SQL DATE: the calendar date as written (the local date of a dateTime, before any zone shift). */
    DATE("DATE"),
    /**
     * The instant, normalised to UTC: DuckDB TIMESTAMPTZ; T-SQL DATETIME2(6) holding UTC, because
     * Fabric Warehouse tables have no DATETIMEOFFSET and one type must serve all three targets.
     */
    TIMESTAMP_WITH_TIME_ZONE("TIMESTAMP WITH TIME ZONE");

    private final String sql;

    AnsiType(String sql) {
        this.sql = sql;
    }

    /** The ANSI spelling, as the tag carries it. */
    public String sql() {
        return sql;
    }

    /** The type a tag value names (case and runs of blanks do not matter), empty when unsupported. */
    public static Optional<AnsiType> parse(String tagValue) {
        if (tagValue == null) {
            return Optional.empty();
        }
        String v = tagValue.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        for (AnsiType t : values()) {
            if (t.sql.equals(v)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
