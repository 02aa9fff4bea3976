package io.fhirpipe.sqlonfhir.sql;

import io.fhirpipe.sqlonfhir.ViewCompilationException;
import io.fhirpipe.sqlonfhir.fhirpath.Expr;
import io.fhirpipe.sqlonfhir.fhirpath.FhirPathParser;
import io.fhirpipe.sqlonfhir.fhirpath.UnsupportedPathException;
import io.fhirpipe.sqlonfhir.model.AnsiType;
import io.fhirpipe.sqlonfhir.model.Column;
import io.fhirpipe.sqlonfhir.model.SelectNode;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.sql.ExprCompiler.Rep;
import io.fhirpipe.sqlonfhir.sql.ExprCompiler.Val;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles a ViewDefinition to one SELECT over a raw table holding one resource JSON per row.
 *
 * <p>Each select node contributes its columns; forEach / forEachOrNull / repeat become lateral
 * joins (CROSS/LEFT JOIN LATERAL, CROSS/OUTER APPLY) over the rows of a list, which gives the
 * spec's cross-product between sibling selects for free; unionAll becomes a lateral subquery of
 * UNION ALL branches whose rows are joined like any other iteration. Expressions are parsed by
 * {@link FhirPathParser} and compiled by {@link ExprCompiler}.
 */
public final class ViewCompiler {

    /** Alias of the raw table row in every compiled SELECT (for {@link #compile(ViewDefinition,
     * List, String)} callers' expressions). */
    public static final String ROW_ALIAS = "r";

    private static final String ROW = ROW_ALIAS;

    private final SqlDialect dialect;
    private final String rawTable;
    private final String resourceColumn;

    /**
     * @param rawTable table name, optionally schema-qualified ("raw.Patient")
     * @param resourceColumn column of {@code rawTable} holding the resource JSON
     */
    public ViewCompiler(SqlDialect dialect, String rawTable, String resourceColumn) {
        this.dialect = dialect;
        List<String> parts = new ArrayList<>();
        for (String part : rawTable.split("\\.", -1)) {
            parts.add(dialect.quote(SqlIdentifiers.requireValid(part, "raw table")));
        }
        this.rawTable = String.join(".", parts);
        this.resourceColumn = dialect.quote(SqlIdentifiers.requireValid(resourceColumn, "column"));
    }

    public CompiledView compile(ViewDefinition view) {
        return compile(view, List.of(), null);
    }

    /**
     * Compiles with extra leading output columns and an extra row condition, for loaders that
     * refresh typed rows of some resources only (e.g. a key column {@code r.[id] AS [_resource_id]}
     * and {@code EXISTS (...)} over the affected ids). Both are SQL written by the caller (trusted
     * code, never user input) over the raw row alias {@link #ROW_ALIAS}; they appear in
     * {@link CompiledView#select()} and {@code createView()} but not in {@code columns()}.
     * A view without a name compiles, with a null {@code createView()}.
     */
    public CompiledView compile(ViewDefinition view, List<String> leadingColumns, String extraCondition) {
        return new ViewCompiler(dialect.forStatement(), rawTable, resourceColumn, true)
                .compileStatement(view, leadingColumns, extraCondition);
    }

    private ViewCompiler(SqlDialect dialect, String rawTable, String resourceColumn, boolean quoted) {
        this.dialect = dialect;
        this.rawTable = rawTable;
        this.resourceColumn = resourceColumn;
    }

    private CompiledView compileStatement(ViewDefinition view, List<String> leadingColumns, String extraCondition) {
        String viewName = view.name() == null ? "(unnamed)" : view.name();
        if (view.name() != null && !SqlIdentifiers.isValid(view.name())) {
            throw new ViewCompilationException(
                    viewName, "-", view.name(), "view name must contain only letters, digits and underscore");
        }
        if (!SqlIdentifiers.isValid(view.resource())) {
            throw new ViewCompilationException(
                    viewName, "-", view.resource(), "resource must be a FHIR resource type name");
        }
        if (view.select().isEmpty()) {
            throw new ViewCompilationException(viewName, "-", "select", "a view needs a select");
        }
        String root = ROW + "." + resourceColumn;
        DuckDbRootPaths rootPaths = dialect instanceof DuckDbDialect duck ? new DuckDbRootPaths(duck, root, ROW) : null;
        AliasSequence aliases = new AliasSequence();
        ExprCompiler exprs = new ExprCompiler(dialect, view.constants(), aliases, rootPaths, root, view.resource());
        Scope scope = new Scope(viewName, exprs, aliases);
        // the joins of forEach / unionAll; the raw table item goes in front once all paths are known
        StringBuilder from = new StringBuilder();
        List<String> columns = new ArrayList<>();
        List<Column> names = new ArrayList<>();
        for (SelectNode node : view.select()) {
            node(scope, node, exprs.root(), "0", from, columns, names);
        }
        Set<String> unique = new HashSet<>();
        for (Column c : names) {
            String n = c.name();
            if (!unique.add(n)) {
                throw new ViewCompilationException(viewName, n, n, "duplicate column name");
            }
        }
        List<String> where = new ArrayList<>();
        where.add((rootPaths != null
                        ? rootPaths.text(List.of("resourceType"))
                        : dialect.pathText(root, List.of("resourceType")))
                + " = "
                + dialect.string(view.resource()));
        for (String w : view.where()) {
            Expr expr = parse(scope, "where", w);
            try {
                Val v = exprs.compile(expr, exprs.root(), "0");
                if (!"boolean".equals(v.type())) {
                    throw new UnsupportedPathException(
                            "a where path must be boolean, not " + (v.type() == null ? "an element" : v.type()));
                }
                where.add(dialect.isTrue(exprs.bool(exprs.one(v, "where", true))));
            } catch (UnsupportedPathException e) {
                throw new ViewCompilationException(viewName, "where", w, e.getMessage());
            }
        }
        if (extraCondition != null) {
            where.add(extraCondition);
        }
        List<String> output = new ArrayList<>(leadingColumns);
        output.addAll(columns);
        String rawItem = rootPaths != null ? rootPaths.from(rawTable, resourceColumn) : rawTable + " AS " + ROW;
        String select = "SELECT " + String.join(", ", output) + " FROM " + rawItem + from + " WHERE "
                + String.join(" AND ", where);
        return new CompiledView(
                view.name(),
                select,
                names.stream().map(Column::name).toList(),
                names,
                view.name() == null ? null : dialect.createView(view.name(), select));
    }

    private record Scope(String view, ExprCompiler exprs, AliasSequence aliases) {}

    /**
     * Adds a select node's joins to {@code from} and its column expressions to {@code columns}.
     *
     * @param rowIndex SQL of %rowIndex in this context
     */
    private void node(
            Scope scope,
            SelectNode node,
            Val context,
            String rowIndex,
            StringBuilder from,
            List<String> columns,
            List<Column> names) {
        Val ctx = context;
        String index = rowIndex;
        String iteration = node.iterationPath();
        if (iteration != null || !node.repeat().isEmpty()) {
            String label =
                    node.forEach() != null ? "forEach" : node.forEachOrNull() != null ? "forEachOrNull" : "repeat";
            String shown = iteration != null ? iteration : String.join(", ", node.repeat());
            String alias = scope.aliases().next("f");
            String type;
            try {
                String source;
                if (iteration != null) {
                    Val items = elements(scope, label, iteration, context, rowIndex);
                    type = items.type();
                    source = dialect.rowSource(scope.exprs().list(items));
                } else {
                    String start = null;
                    String step = null;
                    type = null;
                    Val item = Val.item(dialect.repeatItem(), null);
                    for (String path : node.repeat()) {
                        Val first = elements(scope, label, path, context, rowIndex);
                        type = type == null ? first.type() : type;
                        if (first.type() != null && !first.type().equals(type)) {
                            throw new UnsupportedPathException("repeat paths must reach one type");
                        }
                        Val again = elements(scope, label, path, Val.item(item.sql(), type), rowIndex);
                        start = start == null
                                ? scope.exprs().list(first)
                                : dialect.concat(start, scope.exprs().list(first));
                        step = step == null
                                ? scope.exprs().list(again)
                                : dialect.concat(step, scope.exprs().list(again));
                    }
                    source = dialect.repeatSource(start, step);
                }
                from.append(dialect.lateral(source, alias, node.forEachOrNull() != null));
            } catch (UnsupportedPathException e) {
                throw new ViewCompilationException(scope.view(), label, shown, e.getMessage());
            }
            ctx = Val.item(alias + "." + dialect.quote("value"), type);
            index = node.forEachOrNull() != null
                    ? "coalesce(" + alias + "." + dialect.quote("idx") + ", 0)"
                    : alias + "." + dialect.quote("idx");
        }
        for (Column c : node.columns()) {
            if (!SqlIdentifiers.isValid(c.name())) {
                throw new ViewCompilationException(
                        scope.view(),
                        c.name(),
                        c.path(),
                        "column name must contain only letters, digits and underscore");
            }
            Expr expr = parse(scope, c.name(), c.path());
            try {
                Val v = scope.exprs().compile(expr, ctx, index);
                columns.add(value(scope.exprs(), v, c) + " AS " + dialect.quote(c.name()));
                names.add(c);
            } catch (UnsupportedPathException e) {
                throw new ViewCompilationException(scope.view(), c.name(), c.path(), e.getMessage());
            }
        }
        for (SelectNode child : node.select()) {
            node(scope, child, ctx, index, from, columns, names);
        }
        if (!node.unionAll().isEmpty()) {
            union(scope, node.unionAll(), ctx, index, from, columns, names);
        }
    }

    /** An iteration path: elements of the resource, never a computed value. */
    private Val elements(Scope scope, String label, String path, Val context, String rowIndex) {
        Val v = scope.exprs().compile(parse(scope, label, path), context, rowIndex);
        if (v.rep() != Rep.ITEM || v.choice() != null) {
            throw new UnsupportedPathException(label + " must select elements, not a "
                    + (v.choice() != null ? "choice element without ofType()" : v.type() + " value"));
        }
        return v;
    }

    /** The column's ansi/type, refused where it cannot hold the column's values. */
    private static AnsiType ansiType(Column c, String fhirType) {
        AnsiType t = AnsiType.parse(c.ansiType())
                .orElseThrow(() -> new UnsupportedPathException("ansi/type '" + c.ansiType()
                        + "' is not supported (supported: DATE, TIMESTAMP WITH TIME" + " ZONE)"));
        if (fhirType != null && !TEMPORAL.contains(fhirType)) {
            throw new UnsupportedPathException(
                    "ansi/type " + t.sql() + " needs a date, dateTime or" + " instant value, not " + fhirType);
        }
        return t;
    }

    private static final Set<String> TEMPORAL = Set.of("date", "dateTime", "instant");

    /** A column value: a JSON array for a collection, else the one value in its SQL type. */
    private String value(ExprCompiler exprs, Val v, Column c) {
        if (c.collection() && c.ansiType() != null) {
            throw new UnsupportedPathException("ansi/type on a collection column (a JSON array)");
        }
        if (c.collection()) {
            return exprs.jsonArray(v);
        }
        Val one = exprs.one(v, "column " + c.name() + " has several values; set collection: true", c.single());
        String type = c.type() != null ? c.type() : one.type();
        if (c.ansiType() != null) {
            return dialect.ansiValue(exprs.text(one), ansiType(c, type));
        }
        if (one.rep() == Rep.BOOL) {
            return FhirTypes.kind(type) == FhirTypes.Kind.BOOLEAN ? dialect.boolValue(one.sql()) : exprs.text(one);
        }
        if (exprs.isComplex(one)) {
            return dialect.jsonText(exprs.item(one));
        }
        return dialect.cast(exprs.text(one), type);
    }

    private void union(
            Scope scope,
            List<SelectNode> branches,
            Val ctx,
            String rowIndex,
            StringBuilder from,
            List<String> columns,
            List<Column> names) {
        String alias = scope.aliases().next("u");
        List<String> selects = new ArrayList<>();
        List<String> branchNames = null;
        List<Column> firstBranch = null;
        for (SelectNode branch : branches) {
            StringBuilder branchFrom =
                    new StringBuilder(dialect.unitRow(scope.aliases().next("d")));
            List<String> branchColumns = new ArrayList<>();
            List<Column> branchDefs = new ArrayList<>();
            node(scope, branch, ctx, rowIndex, branchFrom, branchColumns, branchDefs);
            List<String> bn = branchDefs.stream().map(Column::name).toList();
            if (firstBranch == null) {
                firstBranch = branchDefs;
            }
            if (branchNames != null && !branchNames.equals(bn)) {
                throw new ViewCompilationException(
                        scope.view(),
                        String.join(",", bn),
                        "unionAll",
                        "unionAll branches must have the same columns in the same order, expected " + branchNames);
            }
            branchNames = bn;
            selects.add("SELECT " + String.join(", ", branchColumns) + " FROM " + branchFrom);
        }
        from.append(dialect.lateral(String.join(" UNION ALL ", selects), alias, false));
        for (Column c : firstBranch) {
            columns.add(alias + "." + dialect.quote(c.name()) + " AS " + dialect.quote(c.name()));
            names.add(c);
        }
    }

    private static Expr parse(Scope scope, String column, String text) {
        try {
            return FhirPathParser.parse(text);
        } catch (UnsupportedPathException e) {
            throw new ViewCompilationException(scope.view(), column, text, e.getMessage());
        }
    }
}
