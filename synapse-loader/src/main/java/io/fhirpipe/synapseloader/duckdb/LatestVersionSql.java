package io.fhirpipe.synapseloader.duckdb;

/**
 * The latest-version rule, in one place, as an ORDER BY that ranks the newest version of an id
 * first: version A is newer than version B when its {@code meta.lastUpdated} instant is later; on
 * equal instants, when its {@code versionId} is greater as a number (so 10 beats 9), and, only if a
 * versionId is not a number, as text. A missing value is older than any present one. Equal versions
 * tie; the load breaks the tie for what was stored before, so reloading a version changes nothing.
 */
final class LatestVersionSql {

    static final String ORDER_NEWEST_FIRST = "last_updated DESC NULLS LAST, "
            + "TRY_CAST(version_id AS HUGEINT) DESC NULLS LAST, version_id DESC NULLS LAST";

    private LatestVersionSql() {}
}
