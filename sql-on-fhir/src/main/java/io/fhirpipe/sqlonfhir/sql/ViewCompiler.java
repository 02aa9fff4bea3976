package io.fhirpipe.sqlonfhir.sql;

import io.fhirpipe.sqlonfhir.ViewCompilationException;
import io.fhirpipe.sqlonfhir.fhirpath.Navigation;
import io.fhirpipe.sqlonfhir.fhirpath.PathExpression;
import io.fhirpipe.sqlonfhir.fhirpath.PathParser;
import io.fhirpipe.sqlonfhir.fhirpath.PathPlanner;
import io.fhirpipe.sqlonfhir.fhirpath.UnsupportedPathException;
import io.fhirpipe.sqlonfhir.model.Column;
import io.fhirpipe.sqlonfhir.model.SelectNode;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles a ViewDefinition to one SELECT over a raw table holding one resource JSON per row.
 *
 * <p>Each select node contributes its columns; forEach / forEachOrNull become lateral joins
 * (CROSS/LEFT JOIN LATERAL, CROSS/OUTER APPLY), which gives the spec's cross-product between
 * sibling selects for free; unionAll becomes a lateral subquery of UNION ALL branches whose rows
 * are joined like any other iteration.
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
   */
  public CompiledView compile(ViewDefinition view, List<String> leadingColumns,
      String extraCondition) {
    if (!SqlIdentifiers.isValid(view.name())) {
      throw new ViewCompilationException(view.name(), "-", view.name(),
          "view name must contain only letters, digits and underscore");
    }
    if (!SqlIdentifiers.isValid(view.resource())) {
      throw new ViewCompilationException(view.name(), "-", view.resource(),
          "resource must be a FHIR resource type name");
    }
    String root = ROW + "." + resourceColumn;
    DuckDbRootPaths rootPaths = dialect instanceof DuckDbDialect duck
        ? new DuckDbRootPaths(duck, root, ROW) : null;
    Scope scope = new Scope(view, new PathPlanner(view.constants()), new AliasSequence(),
        rootPaths);
    // the joins of forEach / unionAll; the raw table item goes in front once all paths are known
    StringBuilder from = new StringBuilder();
    List<String> columns = new ArrayList<>();
    List<Column> names = new ArrayList<>();
    for (SelectNode node : view.select()) {
      node(scope, node, root, view.resource(), from, columns, names);
    }
    Set<String> unique = new HashSet<>();
    for (Column c : names) {
      String n = c.name();
      if (!unique.add(n)) {
        throw new ViewCompilationException(view.name(), n, n, "duplicate column name");
      }
    }
    List<String> where = new ArrayList<>();
    where.add((rootPaths != null ? rootPaths.text(List.of("resourceType"))
        : dialect.jsonText(root, List.of("resourceType"))) + " = "
        + dialect.string(view.resource()));
    for (String w : view.where()) {
      PathExpression expr = parse(scope, "where", w);
      try {
        Navigation nav = scope.planner.plan(expr.steps(), view.resource());
        String equalTo = expr.equalTo() == null ? null : scope.planner.literal(expr.equalTo());
        where.add(new NavigationRenderer(dialect, scope.aliases, scope.rootPaths)
            .predicate(root, nav, equalTo));
      } catch (UnsupportedPathException e) {
        throw new ViewCompilationException(view.name(), "where", w, e.getMessage());
      }
    }
    if (extraCondition != null) {
      where.add(extraCondition);
    }
    List<String> output = new ArrayList<>(leadingColumns);
    output.addAll(columns);
    String rawItem = rootPaths != null ? rootPaths.from(rawTable, resourceColumn)
        : rawTable + " AS " + ROW;
    String select = "SELECT " + String.join(", ", output) + " FROM " + rawItem + from
        + " WHERE "
        + String.join(" AND ", where);
    return new CompiledView(view.name(), select, names.stream().map(Column::name).toList(),
        names, dialect.createView(view.name(), select));
  }

  private record Scope(ViewDefinition view, PathPlanner planner, AliasSequence aliases,
      DuckDbRootPaths rootPaths) {}

  /**
   * Adds a select node's joins to {@code from} and its column expressions to {@code columns}.
   *
   * @param resource the resource type while {@code context} is the resource root, else null
   */
  private void node(Scope scope, SelectNode node, String context, String resource,
      StringBuilder from, List<String> columns, List<Column> names) {
    String ctx = context;
    String res = resource;
    String iteration = node.iterationPath();
    if (iteration != null) {
      String label = node.forEach() != null ? "forEach" : "forEachOrNull";
      PathExpression expr = parse(scope, label, iteration);
      String alias = scope.aliases.next("f");
      try {
        if (expr.equalTo() != null) {
          throw new UnsupportedPathException("forEach cannot be a comparison");
        }
        Navigation nav = scope.planner.plan(expr.steps(), resource);
        String source = new NavigationRenderer(dialect, scope.aliases, scope.rootPaths)
            .rowSource(context, nav);
        from.append(dialect.lateral(source, alias, node.forEach() == null));
      } catch (UnsupportedPathException e) {
        throw new ViewCompilationException(scope.view.name(), label, iteration, e.getMessage());
      }
      ctx = alias + "." + dialect.quote("value");
      res = null;
    }
    for (Column c : node.columns()) {
      if (!SqlIdentifiers.isValid(c.name())) {
        throw new ViewCompilationException(scope.view.name(), c.name(), c.path(),
            "column name must contain only letters, digits and underscore");
      }
      PathExpression expr = parse(scope, c.name(), c.path());
      try {
        if (expr.equalTo() != null) {
          throw new UnsupportedPathException("comparisons are only supported in where clauses");
        }
        Navigation nav = scope.planner.plan(expr.steps(), res);
        String value = new NavigationRenderer(dialect, scope.aliases, scope.rootPaths)
            .value(ctx, nav, c.collection(), c.type());
        columns.add(value + " AS " + dialect.quote(c.name()));
        names.add(c);
      } catch (UnsupportedPathException e) {
        throw new ViewCompilationException(scope.view.name(), c.name(), c.path(), e.getMessage());
      }
    }
    for (SelectNode child : node.select()) {
      node(scope, child, ctx, res, from, columns, names);
    }
    if (!node.unionAll().isEmpty()) {
      union(scope, node.unionAll(), ctx, res, from, columns, names);
    }
  }

  private void union(Scope scope, List<SelectNode> branches, String ctx, String res,
      StringBuilder from, List<String> columns, List<Column> names) {
    String alias = scope.aliases.next("u");
    List<String> selects = new ArrayList<>();
    List<String> branchNames = null;
    List<Column> firstBranch = null;
    for (SelectNode branch : branches) {
      StringBuilder branchFrom = new StringBuilder(dialect.unitRow(scope.aliases.next("d")));
      List<String> branchColumns = new ArrayList<>();
      List<Column> branchDefs = new ArrayList<>();
      node(scope, branch, ctx, res, branchFrom, branchColumns, branchDefs);
      List<String> bn = branchDefs.stream().map(Column::name).toList();
      if (firstBranch == null) {
        firstBranch = branchDefs;
      }
      if (branchNames != null && !branchNames.equals(bn)) {
        throw new ViewCompilationException(scope.view.name(), String.join(",", bn), "unionAll",
            "unionAll branches must have the same columns in the same order, expected "
                + branchNames);
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

  private static PathExpression parse(Scope scope, String column, String text) {
    try {
      return PathParser.parse(text);
    } catch (UnsupportedPathException e) {
      throw new ViewCompilationException(scope.view.name(), column, text, e.getMessage());
    }
  }
}
