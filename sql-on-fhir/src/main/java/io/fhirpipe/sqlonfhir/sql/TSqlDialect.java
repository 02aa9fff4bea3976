package io.fhirpipe.sqlonfhir.sql;

import io.fhirpipe.sqlonfhir.model.AnsiType;
import java.util.ArrayList;
import java.util.List;

/**
 * T-SQL for Synapse (dedicated and serverless) and Fabric Warehouse: JSON_VALUE / JSON_QUERY for
 * paths without arrays, OPENJSON subqueries for lists (kept as JSON array text, rebuilt with
 * STRING_AGG in array order), CROSS APPLY / OUTER APPLY for forEach / forEachOrNull. Booleans are
 * BIT values. Literals are N'...' because resource text is Unicode. repeat is unrolled to
 * {@value #REPEAT_DEPTH} levels (T-SQL has no recursive CTE inside APPLY); a deeper element fails
 * the statement instead of being dropped.
 */
public final class TSqlDialect implements SqlDialect {

    static final int REPEAT_DEPTH = 6;

    private static final String REPEAT_ITEM = "[__repeat_item__]";

    private int next;

    @Override
    public SqlDialect forStatement() {
        return new TSqlDialect();
    }

    @Override
    public String quote(String identifier) {
        // validated already; escaping ']' anyway keeps quote() safe on its own
        return "[" + SqlIdentifiers.requireValid(identifier, "identifier").replace("]", "]]") + "]";
    }

    @Override
    public String string(String value) {
        return "N'" + value.replace("'", "''") + "'";
    }

    @Override
    public String pathItem(String base, List<String> path, boolean complex) {
        if (path.isEmpty()) {
            return base;
        }
        return (complex ? "JSON_QUERY(" : "JSON_VALUE(") + base + ", " + string(JsonPaths.of(path)) + ")";
    }

    @Override
    public String pathText(String base, List<String> path) {
        return path.isEmpty() ? base : "JSON_VALUE(" + base + ", " + string(JsonPaths.of(path)) + ")";
    }

    private String alias() {
        return "j" + ++next;
    }

    @Override
    public String pathList(String base, List<Segment> path) {
        StringBuilder from = new StringBuilder();
        List<String> order = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        String current = base;
        String last = null;
        for (Segment s : path) {
            pending.add(s.name());
            if (s.repeats()) {
                String a = alias();
                from.append(from.isEmpty() ? "" : " CROSS APPLY ")
                        .append("OPENJSON(")
                        .append(current)
                        .append(", ")
                        .append(string(JsonPaths.of(pending)))
                        .append(") AS ")
                        .append(a);
                order.add("CAST(" + a + ".[key] AS INT)");
                current = a + ".[value]";
                last = a;
                pending = new ArrayList<>();
            }
        }
        String where = "";
        if (!pending.isEmpty()) {
            String a = alias();
            String name = pending.remove(pending.size() - 1);
            from.append(" CROSS APPLY OPENJSON(")
                    .append(current)
                    .append(pending.isEmpty() ? "" : ", " + string(JsonPaths.of(pending)))
                    .append(") AS ")
                    .append(a);
            where = " WHERE " + a + ".[key] = " + string(name);
            last = a;
        }
        return "(SELECT " + aggregate(last, String.join(", ", order)) + " FROM " + from + where + ")";
    }

    /** JSON array text of the rows' OPENJSON values, in {@code order}. */
    private String aggregate(String a, String order) {
        return "N'[' + STRING_AGG(" + jsonOf(a) + ", N',')"
                + (order.isEmpty() ? "" : " WITHIN GROUP (ORDER BY " + order + ")") + " + N']'";
    }

    /** An OPENJSON row's value as JSON: strings (type 1) quoted again. */
    private static String jsonOf(String a) {
        return "CASE " + a + ".[type] WHEN 1 THEN N'\"' + STRING_ESCAPE(CAST(" + a
                + ".[value] AS NVARCHAR(MAX)), 'json') + N'\"' ELSE CAST(" + a
                + ".[value] AS NVARCHAR(MAX)) END";
    }

    @Override
    public String itemList(String item, String type) {
        FhirTypes.Kind k = FhirTypes.kind(type);
        boolean quoted = k == FhirTypes.Kind.TEXT
                && !Character.isUpperCase(type == null || type.isEmpty() ? 'a' : type.charAt(0));
        String json = quoted ? "N'\"' + STRING_ESCAPE(" + item + ", 'json') + N'\"'" : item;
        return "CASE WHEN " + item + " IS NOT NULL THEN N'[' + " + json + " + N']' END";
    }

    @Override
    public String filter(String list, String var, String predicate) {
        return "(SELECT " + aggregate(var, "CAST(" + var + ".[key] AS INT)") + " FROM OPENJSON(" + list + ") AS " + var
                + " WHERE " + predicate + ")";
    }

    @Override
    public String transform(String list, String var, String text) {
        return "(SELECT N'[' + STRING_AGG(N'\"' + STRING_ESCAPE(CAST(" + text
                + " AS NVARCHAR(MAX)), 'json') + N'\"', N',') WITHIN GROUP (ORDER BY CAST(" + var
                + ".[key] AS INT)) + N']' FROM OPENJSON(" + list + ") AS " + var + " WHERE " + text
                + " IS NOT NULL)";
    }

    @Override
    public String flatMap(String list, String var, String itemList) {
        String c = alias();
        return "(SELECT " + aggregate(c, "CAST(" + var + ".[key] AS INT), CAST(" + c + ".[key] AS INT)")
                + " FROM OPENJSON(" + list + ") AS " + var + " CROSS APPLY OPENJSON("
                + itemList + ") AS " + c + ")";
    }

    @Override
    public String itemRef(String var) {
        return var + ".[value]";
    }

    @Override
    public String at(String list, String index) {
        String a = alias();
        return "(SELECT " + a + ".[value] FROM OPENJSON(" + list + ") AS " + a + " WHERE CAST(" + a
                + ".[key] AS INT) = " + index + ")";
    }

    @Override
    public String count(String list) {
        return "(SELECT COUNT(*) FROM OPENJSON(" + list + "))";
    }

    @Override
    public String concat(String a, String b) {
        String c = alias();
        return "(SELECT " + aggregate(c, c + ".s, " + c + ".k") + " FROM (SELECT [value], [type], 0"
                + " AS s, CAST([key] AS INT) AS k FROM OPENJSON(" + a + ") UNION ALL SELECT [value],"
                + " [type], 1, CAST([key] AS INT) FROM OPENJSON(" + b + ")) AS " + c + ")";
    }

    @Override
    public String listEquals(String a, String b) {
        return "CASE WHEN " + count(a) + " = 0 OR " + count(b) + " = 0 THEN NULL WHEN " + a + " = " + b
                + " THEN CAST(1 AS BIT) ELSE CAST(0 AS BIT) END";
    }

    @Override
    public String emptyList() {
        return "N'[]'";
    }

    @Override
    public String single(String list, String what) {
        return "CASE WHEN " + count(list) + " > 1 THEN " + error(what) + " ELSE " + at(list, "0") + " END";
    }

    @Override
    public String jsonArray(String list) {
        return "coalesce(" + list + ", N'[]')";
    }

    @Override
    public String join(String list, String separator) {
        String a = alias();
        return "coalesce((SELECT STRING_AGG(CAST(" + a + ".[value] AS NVARCHAR(MAX)), "
                + string(separator) + ") WITHIN GROUP (ORDER BY CAST(" + a + ".[key] AS INT)) FROM"
                + " OPENJSON(" + list + ") AS " + a + "), N'')";
    }

    @Override
    public String itemText(String item) {
        return item;
    }

    @Override
    public String textItem(String text, String type) {
        return text;
    }

    @Override
    public String boolLiteral(boolean value) {
        return value ? "CAST(1 AS BIT)" : "CAST(0 AS BIT)";
    }

    @Override
    public String bool(String predicate) {
        return "CASE WHEN " + predicate + " THEN CAST(1 AS BIT) WHEN NOT (" + predicate + ") THEN CAST(0 AS BIT) END";
    }

    @Override
    public String isTrue(String bool) {
        return "(" + bool + ") = 1";
    }

    @Override
    public String and(String a, String b) {
        return "CASE WHEN (" + a + ") = 0 OR (" + b + ") = 0 THEN CAST(0 AS BIT) WHEN (" + a + ") = 1 AND (" + b
                + ") = 1 THEN CAST(1 AS BIT) END";
    }

    @Override
    public String or(String a, String b) {
        return "CASE WHEN (" + a + ") = 1 OR (" + b + ") = 1 THEN CAST(1 AS BIT) WHEN (" + a + ") = 0 AND (" + b
                + ") = 0 THEN CAST(0 AS BIT) END";
    }

    @Override
    public String not(String a) {
        return "CASE (" + a + ") WHEN 1 THEN CAST(0 AS BIT) WHEN 0 THEN CAST(1 AS BIT) END";
    }

    @Override
    public String concatText(String a, String b) {
        return "(" + a + " + " + b + ")";
    }

    @Override
    public String boolValue(String bool) {
        return bool;
    }

    @Override
    public String jsonText(String item) {
        return item;
    }

    @Override
    public String boolText(String bool) {
        return "CASE (" + bool + ") WHEN 1 THEN N'true' WHEN 0 THEN N'false' END";
    }

    @Override
    public String textToBool(String text) {
        return "CASE " + text + " WHEN N'true' THEN CAST(1 AS BIT) WHEN N'false' THEN CAST(0 AS BIT)" + " END";
    }

    @Override
    public String textToNumber(String text) {
        return "TRY_CAST(" + text + " AS FLOAT)";
    }

    @Override
    public String numberText(String number) {
        return "CONVERT(NVARCHAR(100), " + number + ")";
    }

    @Override
    public String cast(String text, String fhirType) {
        FhirTypes.Kind k = FhirTypes.kind(fhirType);
        String sqlType = k == FhirTypes.Kind.BOOLEAN
                ? "BIT"
                : k == FhirTypes.Kind.INTEGER ? "BIGINT" : k == FhirTypes.Kind.DECIMAL ? "FLOAT" : null;
        if (k == FhirTypes.Kind.BOOLEAN) {
            return textToBool(text);
        }
        return sqlType == null ? text : "TRY_CAST(" + text + " AS " + sqlType + ")";
    }

    /**
     * DATE, or DATETIME2(6) in UTC for TIMESTAMP WITH TIME ZONE: Fabric Warehouse tables have no
     * DATETIMEOFFSET, so the offset is applied here (DATEADD) and the column holds UTC everywhere.
     * Fractions beyond microseconds are cut (DATETIME2(6), Fabric's maximum).
     */
    @Override
    public String ansiValue(String t, AnsiType type) {
        String day = "CASE LEN(" + t + ") WHEN 4 THEN " + t + " + N'-01-01' WHEN 7 THEN " + t + " + N'-01' ELSE LEFT("
                + t + ", 10) END";
        String date = "TRY_CONVERT(DATE, " + day + ", 23)";
        if (type == AnsiType.DATE) {
            return date;
        }
        String zone = "RIGHT(" + t + ", 6)";
        String minutes = "(CASE LEFT(" + zone + ", 1) WHEN N'-' THEN 1 ELSE -1 END * (CAST(SUBSTRING(" + zone
                + ", 2, 2) AS INT) * 60 + CAST(RIGHT(" + t + ", 2) AS INT)))";
        return "CASE WHEN LEN(" + t + ") <= 10 THEN CAST(" + date + " AS DATETIME2(6))"
                + " WHEN RIGHT(" + t + ", 1) = N'Z' THEN TRY_CONVERT(DATETIME2(6), LEFT(LEFT(" + t
                + ", LEN(" + t + ") - 1), 26), 126)"
                + " WHEN " + zone + " LIKE N'[-+][0-9][0-9]:[0-9][0-9]' THEN DATEADD(MINUTE, " + minutes
                + ", TRY_CONVERT(DATETIME2(6), LEFT(LEFT(" + t + ", LEN(" + t + ") - 6), 26), 126))"
                + " ELSE TRY_CONVERT(DATETIME2(6), LEFT(" + t + ", 26), 126) END";
    }

    @Override
    public String referenceKey(String reference, String type) {
        if (type == null) {
            return "CASE WHEN CHARINDEX('/', " + reference + ") > 0 THEN RIGHT(" + reference
                    + ", CHARINDEX('/', REVERSE(" + reference + ")) - 1) ELSE " + reference + " END";
        }
        String prefix = type + "/";
        return "CASE WHEN LEFT(" + reference + ", " + prefix.length() + ") = " + string(prefix) + " THEN SUBSTRING("
                + reference + ", " + (prefix.length() + 1) + ", 4000) END";
    }

    @Override
    public String error(String message) {
        // a failed conversion is the only run-time error an expression can raise
        return "CAST(CAST(" + string(message) + " AS INT) AS NVARCHAR(MAX))";
    }

    @Override
    public String temporalBoundary(String t, String type, boolean high) {
        if (type.equals("time")) {
            return "CASE WHEN " + t + " IS NOT NULL THEN " + t + " + SUBSTRING("
                    + string(high ? ":59:59.999" : ":00:00.000") + ", LEN(" + t + ") - 1, 20) END";
        }
        String date = "CASE LEN(" + t + ") WHEN 4 THEN " + t + " + " + string(high ? "-12-31" : "-01-01")
                + " WHEN 7 THEN "
                + (high ? "CONVERT(NVARCHAR(10), EOMONTH(CAST(" + t + " + N'-01' AS DATE)), 23)" : t + " + N'-01'")
                + " ELSE LEFT(" + t + ", 10) END";
        if (type.equals("date")) {
            return "CASE WHEN " + t + " IS NOT NULL THEN " + date + " END";
        }
        String zoneStart = "PATINDEX(N'%[Z+-][0-9:]%', SUBSTRING(" + t + ", 11, 40) + N'Z')";
        String time = "CASE WHEN LEN(" + t + ") <= 10 THEN " + string(high ? "T23:59:59.999" : "T00:00:00.000")
                + " ELSE SUBSTRING(" + t + ", 11, " + zoneStart + " - 1) + SUBSTRING("
                + string(high ? ":59:59.999" : ":00:00.000") + ", " + zoneStart + " - 3, 20) END";
        String zone = "CASE WHEN LEN(" + t + ") > 10 AND " + zoneStart + " <= LEN(SUBSTRING(" + t
                + ", 11, 40)) THEN SUBSTRING(" + t + ", 10 + " + zoneStart + ", 10) ELSE "
                + string(high ? "-12:00" : "+14:00") + " END";
        return "CASE WHEN " + t + " IS NOT NULL THEN " + date + " + " + time + " + " + zone + " END";
    }

    @Override
    public String decimalBoundary(String t, boolean high) {
        String decimals =
                "CASE WHEN CHARINDEX('.', " + t + ") > 0 THEN LEN(" + t + ") - CHARINDEX('.', " + t + ") ELSE 0 END";
        return "(TRY_CAST(" + t + " AS FLOAT) " + (high ? "+" : "-") + " 0.5 * POWER(10.0, -(" + decimals + ")))";
    }

    @Override
    public String rowSource(String list) {
        String a = alias();
        return "SELECT " + a + ".[value] AS [value], CAST(" + a + ".[key] AS INT) AS [idx] FROM" + " OPENJSON(" + list
                + ") AS " + a;
    }

    @Override
    public String repeatItem() {
        return REPEAT_ITEM;
    }

    @Override
    public String repeatSource(String start, String step) {
        List<String> levels = new ArrayList<>();
        String level = start;
        for (int depth = 0; depth <= REPEAT_DEPTH; depth++) {
            levels.add(level);
            String var = alias();
            level = flatMap(level, var, step.replace(REPEAT_ITEM, itemRef(var)));
        }
        String all = levels.get(0);
        for (int i = 1; i < levels.size(); i++) {
            all = concat(all, levels.get(i));
        }
        String a = alias();
        // a level beyond the unrolled depth fails the statement (a conversion error naming it)
        return "SELECT " + a + ".[value] AS [value], CAST(" + a + ".[key] AS INT) AS [idx] FROM"
                + " OPENJSON(" + all + ") AS " + a + " WHERE " + count(level) + " = 0 OR CAST(CONCAT("
                + string("repeat deeper than " + REPEAT_DEPTH + " levels: ") + ", " + a
                + ".[key]) AS INT) = 0";
    }

    @Override
    public String lateral(String subquery, String alias, boolean outer) {
        return (outer ? " OUTER APPLY (" : " CROSS APPLY (") + subquery + ") AS " + alias;
    }

    @Override
    public String unitRow(String alias) {
        return "(SELECT 1 AS one) AS " + alias;
    }

    @Override
    public String createView(String name, String select) {
        return "CREATE OR ALTER VIEW " + quote(name) + " AS " + select;
    }
}
