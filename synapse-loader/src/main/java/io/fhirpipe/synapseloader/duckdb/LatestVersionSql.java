package io.fhirpipe.synapseloader.duckdb;

/**
 * The latest-version rule, in one place, as DuckDB macros: version A is newer than version B when
 * its {@code meta.lastUpdated} instant is later; on equal instants, when its {@code versionId} is
 * greater as a number (so 10 beats 9), and, only if a versionId is not a number, as text. A missing
 * value is older than any present one. Equal versions are not newer: reloading the same version
 * changes nothing, which keeps loads idempotent.
 *
 * <p>{@link #ORDER_NEWEST_FIRST} is the same rule as an ORDER BY, used to keep one version per id
 * within a chunk.
 */
public final class LatestVersionSql {

    /** -1, 0 or 1; NULL sorts lowest. */
    static final String CMP_MACRO = "CREATE OR REPLACE TEMP MACRO fhir_cmp(a, b) AS CASE "
            + "WHEN a IS NOT DISTINCT FROM b THEN 0 WHEN a IS NULL THEN -1 WHEN b IS NULL THEN 1 "
            + "WHEN a > b THEN 1 ELSE -1 END";

    static final String NEWER_MACRO = "CREATE OR REPLACE TEMP MACRO fhir_newer(a_updated, a_version, "
            + "b_updated, b_version) AS CASE "
            + "WHEN fhir_cmp(a_updated, b_updated) <> 0 THEN fhir_cmp(a_updated, b_updated) > 0 "
            + "WHEN fhir_cmp(TRY_CAST(a_version AS HUGEINT), TRY_CAST(b_version AS HUGEINT)) <> 0 "
            + "THEN fhir_cmp(TRY_CAST(a_version AS HUGEINT), TRY_CAST(b_version AS HUGEINT)) > 0 "
            + "ELSE fhir_cmp(a_version, b_version) > 0 END";

    static final String ORDER_NEWEST_FIRST = "last_updated DESC NULLS LAST, "
            + "TRY_CAST(version_id AS HUGEINT) DESC NULLS LAST, version_id DESC NULLS LAST";

    private LatestVersionSql() {
    }
}
