package io.fhirpipe.synapseloader.tsql;

import static io.fhirpipe.synapseloader.tsql.TSqlText.literal;
import static io.fhirpipe.synapseloader.tsql.TSqlText.quote;

/**
 * The chunk-line SQL shared by the T-SQL dialects: parsing lines with OPENJSON ... WITH, the
 * rejected-line predicate, and the latest-version rule (the same as the DuckDB dialect's): a
 * version is newer when its {@code meta.lastUpdated} instant is later; on equal instants when its
 * {@code versionId} is greater as a number, then as text; a missing value is older than any
 * present one; equal versions are not newer, so reloading a version changes nothing.
 */
final class ChunkRowsSql {

    private ChunkRowsSql() {}

    /** OPENJSON raises an error on text that is not JSON, so only valid lines reach it. */
    private static String json(String line) {
        return "CASE WHEN ISJSON(" + line + ") = 1 THEN " + line + " END";
    }

    /** Lines of the staging table {@code s} that are not a resource of {@code type} with an id. */
    static String rejected(String type) {
        String line = "s." + quote("line", "column");
        return line + " IS NOT NULL AND (ISJSON(" + line + ") = 0 OR ISNULL(JSON_VALUE(" + json(line)
                + ", '$.resourceType'), N'') <> " + literal(type, "type") + " OR JSON_VALUE(" + json(line)
                + ", '$.id') IS NULL)";
    }

    /** The UTC instant of a FHIR instant text (offset or Z), as DATETIME2(6); NULL when invalid. */
    static String instant(String text) {
        // style 127 reads ISO 8601 with Z or an offset; SWITCHOFFSET normalises to UTC
        return "CONVERT(DATETIME2(6), SWITCHOFFSET(TRY_CONVERT(DATETIMEOFFSET(6), " + text + ", 127), '+00:00'))";
    }

    /**
     * The newest version of each id among the valid lines of {@code lines}: columns id, version_id,
     * last_updated (UTC), resource.
     */
    static String latestRows(String lines, String type, boolean fabric) {
        String s = "s." + quote("line", "column");
        String text = fabric ? "VARCHAR" : "NVARCHAR";
        return "SELECT x." + quote("id", "column") + ", x." + quote("version_id", "column") + ", x."
                + quote("last_updated", "column") + ", x." + quote("resource", "column") + " FROM (SELECT y.*,"
                + " ROW_NUMBER() OVER (PARTITION BY y." + quote("id", "column") + " ORDER BY "
                + newestFirst("y") + ") AS " + quote("rn", "column") + " FROM (SELECT j."
                + quote("id", "column") + ", j." + quote("version_id", "column") + ", "
                + instant("j." + quote("last_updated", "column")) + " AS " + quote("last_updated", "column")
                + ", " + s + " AS " + quote("resource", "column") + " FROM " + lines + " AS s CROSS APPLY"
                + " OPENJSON(" + json(s) + ") WITH (" + quote("resource_type", "column") + " " + text
                + "(64) '$.resourceType', " + quote("id", "column") + " " + text + "(64) '$.id', "
                + quote("version_id", "column") + " " + text + "(64) '$.meta.versionId', "
                + quote("last_updated", "column") + " " + text + "(40) '$.meta.lastUpdated') AS j WHERE j."
                + quote("resource_type", "column") + " = " + literal(type, "type") + " AND j."
                + quote("id", "column") + " IS NOT NULL) AS y) AS x WHERE x." + quote("rn", "column")
                + " = 1";
    }

    /** ORDER BY items, newest version first, over alias {@code a}; NULLs sort last in DESC. */
    static String newestFirst(String a) {
        return a + "." + quote("last_updated", "column") + " DESC, TRY_CAST(" + a + "."
                + quote("version_id", "column") + " AS DECIMAL(38, 0)) DESC, " + a + "."
                + quote("version_id", "column") + " DESC";
    }

    /** Version {@code a} is newer than version {@code b} (aliases or table names). */
    static String newer(String a, String b) {
        String au = a + "." + quote("last_updated", "column");
        String bu = b + "." + quote("last_updated", "column");
        String an = "TRY_CAST(" + a + "." + quote("version_id", "column") + " AS DECIMAL(38, 0))";
        String bn = "TRY_CAST(" + b + "." + quote("version_id", "column") + " AS DECIMAL(38, 0))";
        String at = a + "." + quote("version_id", "column");
        String bt = b + "." + quote("version_id", "column");
        return "(" + cmp(au, bu) + " > 0 OR (" + cmp(au, bu) + " = 0 AND (" + cmp(an, bn) + " > 0 OR (" + cmp(an, bn)
                + " = 0 AND " + cmp(at, bt) + " > 0))))";
    }

    /** -1, 0 or 1 with NULL lowest (T-SQL comparisons with NULL are unknown). */
    private static String cmp(String a, String b) {
        return "(CASE WHEN " + a + " IS NULL AND " + b + " IS NULL THEN 0 WHEN " + a + " IS NULL THEN -1"
                + " WHEN " + b + " IS NULL THEN 1 WHEN " + a + " > " + b + " THEN 1 WHEN " + a + " < " + b
                + " THEN -1 ELSE 0 END)";
    }
}
