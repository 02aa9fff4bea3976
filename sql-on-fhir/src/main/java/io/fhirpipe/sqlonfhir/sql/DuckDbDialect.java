package io.fhirpipe.sqlonfhir.sql;

import io.fhirpipe.sqlonfhir.model.AnsiType;
import java.util.ArrayList;
import java.util.List;

/**
 * DuckDB: items are JSON values, lists JSON[] lists. A JSONPath wildcard makes json_extract
 * return what it reaches as a list in document order ({@code $.name[*].given[*]} flattens both
 * arrays), so paths through repeating elements need no subquery; filters and maps are list
 * lambdas, evaluated per row inside the projection (a correlated json_each subquery costs about
 * 18x more on large tables). forEach / repeat are lateral joins, repeat a correlated recursive CTE.
 */
public final class DuckDbDialect implements SqlDialect {

    @Override
    public String quote(String identifier) {
        return "\"" + SqlIdentifiers.requireValid(identifier, "identifier") + "\"";
    }

    @Override
    public String string(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public String pathItem(String base, List<String> path, boolean complex) {
        return path.isEmpty() ? base : "json_extract(" + base + ", " + string(JsonPaths.of(path)) + ")";
    }

    @Override
    public String pathText(String base, List<String> path) {
        return "json_extract_string(" + base + ", " + string(JsonPaths.of(path)) + ")";
    }

    @Override
    public String pathList(String base, List<Segment> path) {
        List<String> segs = new ArrayList<>();
        for (Segment s : path) {
            segs.add(s.repeats() ? s.name() + "[*]" : s.name());
        }
        // items lacking the last member and JSON nulls in arrays come back as nulls, which are not
        // FHIRPath items
        return "list_filter(json_extract(" + base + ", " + string(JsonPaths.of(segs))
                + "), lambda x: json_type(x) <> 'NULL')";
    }

    @Override
    public String itemList(String item, String type) {
        return "list_filter([" + item + "], lambda x: x IS NOT NULL)";
    }

    @Override
    public String filter(String list, String var, String predicate) {
        return "list_filter(" + list + ", lambda " + var + ": " + predicate + ")";
    }

    @Override
    public String transform(String list, String var, String text) {
        return "list_filter(list_transform(" + list + ", lambda " + var + ": to_json(" + text + ")"
                + "), lambda x: x IS NOT NULL)";
    }

    @Override
    public String flatMap(String list, String var, String itemList) {
        return "flatten(list_transform(" + list + ", lambda " + var + ": " + itemList + "))";
    }

    @Override
    public String itemRef(String var) {
        return var;
    }

    @Override
    public String at(String list, String index) {
        return "list_extract(" + list + ", (" + index + ") + 1)";
    }

    @Override
    public String count(String list) {
        return "coalesce(len(" + list + "), 0)";
    }

    @Override
    public String concat(String a, String b) {
        return "list_concat(coalesce(" + a + ", []), coalesce(" + b + ", []))";
    }

    @Override
    public String listEquals(String a, String b) {
        return "CASE WHEN coalesce(len(" + a + "), 0) = 0 OR coalesce(len(" + b + "), 0) = 0 THEN NULL"
                + " ELSE list_transform(" + a + ", lambda x: json_extract_string(x, '$')) = list_transform("
                + b + ", lambda x: json_extract_string(x, '$')) END";
    }

    @Override
    public String emptyList() {
        return "CAST([] AS JSON[])";
    }

    @Override
    public String single(String list, String what) {
        return "CASE WHEN len(" + list + ") > 1 THEN " + error(what) + " ELSE " + list + "[1] END";
    }

    @Override
    public String jsonArray(String list) {
        return "CAST(to_json(coalesce(" + list + ", CAST([] AS JSON[]))) AS VARCHAR)";
    }

    @Override
    public String join(String list, String separator) {
        return "coalesce(list_aggr(list_transform(" + list + ", lambda x: json_extract_string(x, '$')),"
                + " 'string_agg', " + string(separator) + "), '')";
    }

    @Override
    public String itemText(String item) {
        return "json_extract_string(" + item + ", '$')";
    }

    @Override
    public String textItem(String text, String type) {
        FhirTypes.Kind k = FhirTypes.kind(type);
        String sqlType = k == FhirTypes.Kind.BOOLEAN
                ? "BOOLEAN"
                : k == FhirTypes.Kind.INTEGER ? "BIGINT" : k == FhirTypes.Kind.DECIMAL ? "DOUBLE" : null;
        return "to_json(" + (sqlType == null ? text : "TRY_CAST(" + text + " AS " + sqlType + ")") + ")";
    }

    @Override
    public String boolLiteral(boolean value) {
        return value ? "true" : "false";
    }

    @Override
    public String bool(String predicate) {
        return "(" + predicate + ")";
    }

    @Override
    public String isTrue(String bool) {
        return "coalesce(" + bool + ", false)";
    }

    @Override
    public String and(String a, String b) {
        return "(" + a + " AND " + b + ")";
    }

    @Override
    public String or(String a, String b) {
        return "(" + a + " OR " + b + ")";
    }

    @Override
    public String not(String a) {
        return "(NOT " + a + ")";
    }

    @Override
    public String concatText(String a, String b) {
        return "(" + a + " || " + b + ")";
    }

    @Override
    public String boolValue(String bool) {
        return bool;
    }

    @Override
    public String jsonText(String item) {
        return "CAST(" + item + " AS VARCHAR)";
    }

    @Override
    public String boolText(String bool) {
        return "CAST(" + bool + " AS VARCHAR)";
    }

    @Override
    public String textToBool(String text) {
        return "TRY_CAST(" + text + " AS BOOLEAN)";
    }

    @Override
    public String textToNumber(String text) {
        return "TRY_CAST(" + text + " AS DOUBLE)";
    }

    @Override
    public String numberText(String number) {
        return "CAST(" + number + " AS VARCHAR)";
    }

    @Override
    public String cast(String text, String fhirType) {
        FhirTypes.Kind k = FhirTypes.kind(fhirType);
        String sqlType = k == FhirTypes.Kind.BOOLEAN
                ? "BOOLEAN"
                : k == FhirTypes.Kind.INTEGER ? "BIGINT" : k == FhirTypes.Kind.DECIMAL ? "DOUBLE" : null;
        return sqlType == null ? text : "TRY_CAST(" + text + " AS " + sqlType + ")";
    }

    @Override
    public String ansiValue(String t, AnsiType type) {
        String day = "CASE length(" + t + ") WHEN 4 THEN " + t + " || '-01-01' WHEN 7 THEN " + t
                + " || '-01' ELSE substr(" + t + ", 1, 10) END";
        if (type == AnsiType.DATE) {
            return "TRY_CAST(" + day + " AS DATE)";
        }
        // an explicit zone (FHIR requires one with a time) is kept; none means UTC, never the
        // session's TimeZone
        return "TRY_CAST(CASE WHEN length(" + t + ") <= 10 THEN " + day + " || 'T00:00:00Z'"
                + " WHEN regexp_matches(" + t + ", '(Z|[+-][0-9]{2}:[0-9]{2})$') THEN " + t + " ELSE "
                + t + " || 'Z' END AS TIMESTAMPTZ)";
    }

    @Override
    public String referenceKey(String reference, String type) {
        if (type == null) {
            return "nullif(regexp_extract(" + reference + ", '[^/]+$'), '')";
        }
        String prefix = type + "/";
        return "CASE WHEN starts_with(" + reference + ", " + string(prefix) + ") THEN substr(" + reference + ", "
                + (prefix.length() + 1) + ") END";
    }

    @Override
    public String error(String message) {
        return "error(" + string(message) + ")";
    }

    @Override
    public String temporalBoundary(String t, String type, boolean high) {
        if (type.equals("time")) {
            // hh:mm[:ss[.fff]] to milliseconds
            return "CASE WHEN " + t + " IS NOT NULL THEN " + t + " || substr("
                    + string(high ? ":59:59.999" : ":00:00.000") + ", length(" + t + ") - 1) END";
        }
        String date = "CASE length(" + t + ") WHEN 4 THEN " + t + " || " + string(high ? "-12-31" : "-01-01")
                + " WHEN 7 THEN "
                + (high ? "CAST(last_day(CAST(" + t + " || '-01' AS DATE)) AS VARCHAR)" : t + " || '-01'")
                + " ELSE substr(" + t + ", 1, 10) END";
        if (type.equals("date")) {
            return "CASE WHEN " + t + " IS NOT NULL THEN " + date + " END";
        }
        // dateTime: an absent time or zone is its extreme (+14:00 is the earliest zone, -12:00 the latest)
        String time = "CASE WHEN length(" + t + ") <= 10 THEN " + string(high ? "T23:59:59.999" : "T00:00:00.000")
                + " ELSE regexp_extract(" + t + ", 'T[0-9:.]+') || substr("
                + string(high ? ":59:59.999" : ":00:00.000") + ", length(regexp_extract(" + t
                + ", 'T[0-9:.]+')) - 2) END";
        String zone = "CASE WHEN regexp_matches(" + t + ", '(Z|[+-][0-9]{2}:[0-9]{2})$') THEN "
                + "regexp_extract(" + t + ", '(Z|[+-][0-9]{2}:[0-9]{2})$') ELSE "
                + string(high ? "-12:00" : "+14:00") + " END";
        return "CASE WHEN " + t + " IS NOT NULL THEN " + date + " || " + time + " || " + zone + " END";
    }

    @Override
    public String decimalBoundary(String t, boolean high) {
        String decimals = "coalesce(length(regexp_extract(" + t + ", '\\.([0-9]+)$', 1)), 0)";
        return "TRY_CAST(" + t + " AS DOUBLE) " + (high ? "+" : "-") + " 0.5 * pow(10, -" + decimals + ")";
    }

    @Override
    public String rowSource(String list) {
        return "SELECT unnest(s.l) AS \"value\", unnest(range(0, len(s.l))) AS \"idx\" FROM (SELECT " + list
                + " AS l) AS s";
    }

    @Override
    public String repeatItem() {
        return "rec.v";
    }

    @Override
    public String repeatSource(String start, String next) {
        return "WITH RECURSIVE rec(v, k) AS (SELECT t.v, [t.i] FROM (SELECT unnest(s.l) AS v,"
                + " unnest(range(0, len(s.l))) AS i FROM (SELECT " + start + " AS l) AS s) AS t"
                + " UNION ALL SELECT t.v, list_append(t.k, t.i) FROM (SELECT unnest(s.l) AS v,"
                + " unnest(range(0, len(s.l))) AS i, s.k AS k FROM (SELECT rec.k AS k, " + next
                + " AS l FROM rec) AS s) AS t)"
                + " SELECT v AS \"value\", row_number() OVER (ORDER BY k) - 1 AS \"idx\" FROM rec";
    }

    @Override
    public String lateral(String subquery, String alias, boolean outer) {
        return outer
                ? " LEFT JOIN LATERAL (" + subquery + ") AS " + alias + " ON TRUE"
                : " CROSS JOIN LATERAL (" + subquery + ") AS " + alias;
    }

    @Override
    public String unitRow(String alias) {
        return "(SELECT 1 AS one) AS " + alias;
    }

    @Override
    public String createView(String name, String select) {
        return "CREATE OR REPLACE VIEW " + quote(name) + " AS " + select;
    }
}
