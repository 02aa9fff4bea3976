package io.fhirpipe.sqlonfhir.sql;

import io.fhirpipe.sqlonfhir.fhirpath.Navigation;
import io.fhirpipe.sqlonfhir.fhirpath.UnsupportedPathException;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link Navigation} as SQL in one dialect: a direct JSON lookup when the path has no
 * repeating element, otherwise a correlated subquery iterating each array with the where()
 * conditions applied, or for DuckDB list expressions over JSONPath wildcards
 * ({@link DuckDbPathLists}).
 */
final class NavigationRenderer {

  private final SqlDialect dialect;
  private final AliasSequence aliases;
  /** Set-based rendering of paths through arrays, for DuckDB; null for other dialects. */
  private final DuckDbPathLists lists;
  /** Plain paths below the resource root read in one batch (DuckDB); null: one call each. */
  private final DuckDbRootPaths rootPaths;

  NavigationRenderer(SqlDialect dialect, AliasSequence aliases, DuckDbRootPaths rootPaths) {
    this.dialect = dialect;
    this.aliases = aliases;
    this.lists = dialect instanceof DuckDbDialect duck ? new DuckDbPathLists(duck, aliases) : null;
    this.rootPaths = rootPaths;
  }

  private String text(String context, List<String> path) {
    return rootPaths != null && rootPaths.covers(context) ? rootPaths.text(path)
        : dialect.jsonText(context, path);
  }

  /** The FROM chain, the conditions and the ordering of a navigation's hops. */
  private record Iteration(String from, List<String> conditions, String element, String orderBy) {}

  private Iteration iteration(String context, Navigation nav) {
    StringBuilder from = new StringBuilder();
    List<String> conditions = new ArrayList<>();
    List<String> order = new ArrayList<>();
    String current = context;
    for (Navigation.Hop hop : nav.hops()) {
      String alias = aliases.next("e");
      from.append(from.isEmpty()
          ? dialect.iterate(current, hop.path(), alias)
          : dialect.iterateNext(current, hop.path(), alias));
      current = dialect.element(alias);
      for (Navigation.Condition c : hop.conditions()) {
        conditions.add(predicate(current, c.path(), c.literal()));
      }
      order.add(dialect.position(alias));
    }
    return new Iteration(from.toString(), conditions, current, String.join(", ", order));
  }

  /** A column value; {@code collection} yields a JSON array text. */
  String value(String context, Navigation nav, boolean collection, String fhirType) {
    boolean exists = nav.terminal() instanceof Navigation.Terminal.Exists;
    if (collection && (nav.firstOnly() || exists)) {
      throw new UnsupportedPathException("a collection column cannot end in first() or exists()");
    }
    if (nav.hops().isEmpty()) {
      if (exists) {
        return dialect.booleanValue(dialect.present(context, nav.tail()));
      }
      String text = terminal(text(context, nav.tail()), nav);
      if (lists != null && (nav.terminal() instanceof Navigation.Terminal.Join || collection)) {
        return lists.single(text, collection);
      }
      if (nav.terminal() instanceof Navigation.Terminal.Join || collection) {
        // a single value: the aggregate of one row
        String alias = aliases.next("s");
        String agg = nav.terminal() instanceof Navigation.Terminal.Join j
            ? dialect.joinAggregate(alias + ".v", j.separator(), alias + ".v")
            : dialect.jsonArrayAggregate(alias + ".v", alias + ".v");
        return "(SELECT " + agg + " FROM (SELECT " + text + " AS v) AS " + alias + " WHERE "
            + alias + ".v IS NOT NULL)";
      }
      return dialect.cast(text, fhirType);
    }
    if (lists != null) {
      return lists.value(context, nav, collection, fhirType);
    }
    Iteration it = iteration(context, nav);
    if (exists) {
      List<String> conds = new ArrayList<>(it.conditions());
      if (!nav.tail().isEmpty()) {
        conds.add(dialect.present(it.element(), nav.tail()));
      }
      return dialect.booleanValue("EXISTS (SELECT 1 FROM " + it.from() + where(conds) + ")");
    }
    String text = terminal(dialect.jsonText(it.element(), nav.tail()), nav);
    List<String> conds = new ArrayList<>(it.conditions());
    conds.add(text + " IS NOT NULL");
    if (nav.terminal() instanceof Navigation.Terminal.Join j) {
      return "(SELECT " + dialect.joinAggregate(text, j.separator(), it.orderBy()) + " FROM "
          + it.from() + where(conds) + ")";
    }
    if (collection) {
      return "(SELECT " + dialect.jsonArrayAggregate(text, it.orderBy()) + " FROM " + it.from()
          + where(conds) + ")";
    }
    return dialect.cast(
        dialect.firstRow(text, it.from(), String.join(" AND ", conds), it.orderBy()), fhirType);
  }

  /** A predicate for a view-level where clause: exists(), "= literal", or a boolean element. */
  String predicate(String context, Navigation nav, String equalTo) {
    boolean exists = nav.terminal() instanceof Navigation.Terminal.Exists;
    if (nav.hops().isEmpty()) {
      if (exists) {
        return dialect.present(context, nav.tail());
      }
      return comparison(terminal(text(context, nav.tail()), nav), equalTo);
    }
    if (lists != null) {
      return lists.predicate(context, nav, equalTo);
    }
    Iteration it = iteration(context, nav);
    List<String> conds = new ArrayList<>(it.conditions());
    if (exists) {
      if (!nav.tail().isEmpty()) {
        conds.add(dialect.present(it.element(), nav.tail()));
      }
    } else {
      // FHIRPath equality on a collection is true when any item matches
      conds.add(comparison(terminal(dialect.jsonText(it.element(), nav.tail()), nav), equalTo));
    }
    return "EXISTS (SELECT 1 FROM " + it.from() + where(conds) + ")";
  }

  /** Row source for forEach: one row per element, exposing it as column "value". */
  String rowSource(String context, Navigation nav) {
    if (!(nav.terminal() instanceof Navigation.Terminal.Value)) {
      throw new UnsupportedPathException("forEach must select elements, not a function result");
    }
    if (nav.hops().isEmpty()) {
      String fragment = dialect.jsonFragment(context, nav.tail());
      return "SELECT " + fragment + " AS " + dialect.quote("value") + " WHERE " + fragment
          + " IS NOT NULL";
    }
    if (lists != null) {
      return lists.rowSource(context, nav);
    }
    Iteration it = iteration(context, nav);
    String fragment = dialect.jsonFragment(it.element(), nav.tail());
    List<String> conds = new ArrayList<>(it.conditions());
    if (!nav.tail().isEmpty()) {
      conds.add(fragment + " IS NOT NULL");
    }
    if (nav.firstOnly()) {
      String first = dialect.firstRow(fragment + " AS " + dialect.quote("value"), it.from(),
          String.join(" AND ", conds), it.orderBy());
      return first.substring(1, first.length() - 1);
    }
    return "SELECT " + fragment + " AS " + dialect.quote("value") + " FROM " + it.from()
        + where(conds);
  }

  private String terminal(String text, Navigation nav) {
    if (nav.terminal() instanceof Navigation.Terminal.ReferenceKey r) {
      return dialect.referenceKey(text, r.type());
    }
    return text;
  }

  private String comparison(String text, String equalTo) {
    // a bare boolean element (e.g. "active") is a where clause of its own
    return text + " = " + dialect.string(equalTo == null ? "true" : equalTo);
  }

  private static String where(List<String> conds) {
    return conds.isEmpty() ? "" : " WHERE " + String.join(" AND ", conds);
  }
}
