package io.fhirpipe.sqlonfhir.sql;

import io.fhirpipe.sqlonfhir.fhirpath.Expr;
import io.fhirpipe.sqlonfhir.fhirpath.FhirModel;
import io.fhirpipe.sqlonfhir.fhirpath.UnsupportedPathException;
import io.fhirpipe.sqlonfhir.model.Constant;
import io.fhirpipe.sqlonfhir.sql.SqlDialect.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a FHIRPath expression tree to SQL of one dialect. Each sub-expression becomes a
 * {@link Val}: a path not yet rendered (so {@code code.coding.first().code} stays one JSON path),
 * an item or list of JSON elements, or a native text / number / boolean. Static types from the
 * FHIR R4 element table decide where arrays are, which choice key {@code ofType()} reads, and
 * whether an expression is boolean. Anything outside the implemented functions and operators is
 * an {@link UnsupportedPathException}, never passed through.
 */
final class ExprCompiler {

    enum Rep {
        ITEM,
        TEXT,
        BOOL,
        NUM
    }

    /**
     * A compiled value. With {@code base} set it is the path {@code path} below the item
     * {@code base}, not yet rendered; {@code choice} marks a choice element awaiting ofType().
     */
    record Val(
            String sql,
            boolean many,
            String type,
            Rep rep,
            String base,
            List<Segment> path,
            String choice,
            List<String> choiceTypes) {

        static Val item(String sql, String type) {
            return new Val(sql, false, type, Rep.ITEM, null, null, null, null);
        }

        static Val list(String sql, String type) {
            return new Val(sql, true, type, Rep.ITEM, null, null, null, null);
        }

        static Val text(String sql, String type) {
            return new Val(sql, false, type, Rep.TEXT, null, null, null, null);
        }

        static Val bool(String sql) {
            return new Val(sql, false, "boolean", Rep.BOOL, null, null, null, null);
        }

        static Val num(String sql, String type) {
            return new Val(sql, false, type, Rep.NUM, null, null, null, null);
        }

        static Val path(String base, List<Segment> path, String type) {
            return new Val(
                    null,
                    path.stream().anyMatch(Segment::repeats),
                    type,
                    Rep.ITEM,
                    base,
                    List.copyOf(path),
                    null,
                    null);
        }

        boolean lazy() {
            return base != null;
        }
    }

    private static final Set<String> INTEGER_TYPES = Set.of("integer", "positiveInt", "unsignedInt", "integer64");

    private final SqlDialect dialect;
    private final FhirModel model = FhirModel.r4();
    private final Map<String, Constant> constants;
    private final AliasSequence aliases;
    private final DuckDbRootPaths rootPaths;
    private final Val root;

    ExprCompiler(
            SqlDialect dialect,
            Map<String, Constant> constants,
            AliasSequence aliases,
            DuckDbRootPaths rootPaths,
            String rootSql,
            String resourceType) {
        this.dialect = dialect;
        this.constants = constants;
        this.aliases = aliases;
        this.rootPaths = rootPaths;
        this.root = Val.path(rootSql, List.of(), resourceType);
    }

    Val root() {
        return root;
    }

    /** Compiles {@code e} with {@code focus} as $this; {@code rowIndex} is %rowIndex's SQL. */
    Val compile(Expr e, Val focus, String rowIndex) {
        return new Scope(rowIndex).compile(e, focus);
    }

    // ---- renderings of a Val ----

    String list(Val v) {
        if (v.many()) {
            return v.lazy() ? dialect.pathList(v.base(), v.path()) : v.sql();
        }
        return dialect.itemList(item(v), v.type());
    }

    String item(Val v) {
        requireResolved(v);
        if (v.many()) {
            throw new UnsupportedPathException("expected a single value");
        }
        if (v.lazy()) {
            return dialect.pathItem(v.base(), names(v.path()), model.isComplexType(v.type()));
        }
        return switch (v.rep()) {
            case ITEM -> v.sql();
            case TEXT -> dialect.textItem(v.sql(), v.type());
            case BOOL -> dialect.textItem(dialect.boolText(v.sql()), "boolean");
            case NUM -> dialect.textItem(dialect.numberText(v.sql()), v.type());
        };
    }

    String text(Val v) {
        requireResolved(v);
        if (v.lazy() && !v.many()) {
            if (v.path().isEmpty()) {
                return dialect.itemText(v.base());
            }
            return rootPaths != null && v.base().equals(root.base())
                    ? rootPaths.text(names(v.path()))
                    : dialect.pathText(v.base(), names(v.path()));
        }
        return switch (v.rep()) {
            case ITEM -> dialect.itemText(item(v));
            case TEXT -> v.sql();
            case BOOL -> dialect.boolText(v.sql());
            case NUM -> dialect.numberText(v.sql());
        };
    }

    String jsonArray(Val v) {
        return dialect.jsonArray(list(v));
    }

    String bool(Val v) {
        return v.rep() == Rep.BOOL ? v.sql() : dialect.textToBool(text(v));
    }

    String number(Val v) {
        return v.rep() == Rep.NUM ? v.sql() : dialect.textToNumber(text(v));
    }

    /** The one value of {@code v}: the first when several, or an error when {@code strict}. */
    Val one(Val v, String what, boolean strict) {
        if (!v.many()) {
            return v;
        }
        if (v.lazy() && !strict) {
            Val first = firstOf(v);
            if (first != null) {
                return first;
            }
        }
        String l = list(v);
        return Val.item(strict ? dialect.single(l, what) : dialect.at(l, "0"), v.type());
    }

    boolean isComplex(Val v) {
        return model.isComplexType(v.type());
    }

    private static void requireResolved(Val v) {
        if (v.choice() != null) {
            throw new UnsupportedPathException("choice element '" + v.choice() + "' must be followed by ofType(type)");
        }
    }

    private static List<String> names(List<Segment> path) {
        return path.stream().map(Segment::name).toList();
    }

    /** {@code a.b[*].c.first()} as the path {@code a.b[0].c} when only one segment repeats. */
    private static Val firstOf(Val v) {
        List<Segment> repeating = v.path().stream().filter(Segment::repeats).toList();
        if (repeating.size() != 1) {
            return null;
        }
        List<Segment> path = new ArrayList<>();
        boolean after = false;
        for (Segment s : v.path()) {
            if (s.repeats()) {
                path.add(new Segment(s.name() + "[0]", false));
                after = true;
            } else {
                if (after) {
                    // a.b[*].c: the first c may come from a later b; indexing needs c right at the end
                    return null;
                }
                path.add(s);
            }
        }
        return Val.path(v.base(), path, v.type());
    }

    private final class Scope {
        private final String rowIndex;

        Scope(String rowIndex) {
            this.rowIndex = rowIndex;
        }

        Val compile(Expr e, Val focus) {
            if (e instanceof Expr.This) {
                return focus;
            }
            if (e instanceof Expr.Literal l) {
                return literal(l.type(), l.text());
            }
            if (e instanceof Expr.Empty) {
                return Val.list(dialect.emptyList(), null);
            }
            if (e instanceof Expr.Variable v) {
                return variable(v.name());
            }
            if (e instanceof Expr.Member m) {
                return member(compile(m.target(), focus), m.name());
            }
            if (e instanceof Expr.Indexer ix) {
                Val target = compile(ix.target(), focus);
                Val index = compile(ix.index(), focus);
                if (!INTEGER_TYPES.contains(index.type())) {
                    throw new UnsupportedPathException("an index must be an integer");
                }
                if (index.rep() == Rep.NUM
                        && index.sql().matches("\\d+")
                        && target.lazy()
                        && target.many()
                        && target.path().get(target.path().size() - 1).repeats()
                        && target.path().stream().filter(Segment::repeats).count() == 1) {
                    List<Segment> path = new ArrayList<>(target.path());
                    Segment last = path.remove(path.size() - 1);
                    path.add(new Segment(last.name() + "[" + index.sql() + "]", false));
                    return Val.path(target.base(), path, target.type());
                }
                return Val.item(dialect.at(list(target), "CAST(" + number(index) + " AS BIGINT)"), target.type());
            }
            if (e instanceof Expr.Call c) {
                return call(c, focus);
            }
            if (e instanceof Expr.Binary b) {
                return binary(b, focus);
            }
            if (e instanceof Expr.Unary u) {
                Val v = compile(u.operand(), focus);
                requireNumber(v, u.op());
                return u.op().equals("-") ? Val.num("(-" + number(v) + ")", v.type()) : v;
            }
            throw new UnsupportedPathException("unsupported expression " + e);
        }

        private Val literal(String type, String text) {
            return switch (type) {
                case "boolean" -> Val.bool(dialect.boolLiteral(text.equals("true")));
                case "integer", "decimal" -> Val.num(text, type);
                default -> Val.text(dialect.string(text), type);
            };
        }

        private Val variable(String name) {
            if (name.equals("rowIndex")) {
                return Val.num(rowIndex, "integer");
            }
            if (name.equals("resource") || name.equals("rootResource") || name.equals("context")) {
                return root;
            }
            Constant c = constants.get(name);
            if (c == null) {
                throw new UnsupportedPathException("unknown constant %" + name);
            }
            String kind = INTEGER_TYPES.contains(c.type()) ? "integer" : c.type();
            if (kind.equals("integer") || kind.equals("decimal")) {
                if (!c.value().matches("-?\\d+(\\.\\d+)?")) {
                    throw new UnsupportedPathException("constant %" + name + " is not a number");
                }
                return Val.num(c.value(), kind);
            }
            if (kind.equals("boolean")) {
                return literal("boolean", c.value());
            }
            return Val.text(dialect.string(c.value()), c.type());
        }

        private Val member(Val target, String name) {
            requireResolved(target);
            if (target.rep() != Rep.ITEM) {
                throw new UnsupportedPathException("cannot read '" + name + "' of a " + target.type() + " value");
            }
            FhirModel.Element el = model.element(target.type(), name);
            if (el == null) {
                if (target.type() != null && !model.isComplexType(target.type())) {
                    throw new UnsupportedPathException("'" + name + "' of primitive " + target.type());
                }
                // an element the type does not define: FHIRPath yields empty, as valid data has none
                return Val.list(dialect.emptyList(), null);
            }
            if (el.choice()) {
                // the JSON key depends on the type ofType() picks: keep the parent until then
                return new Val(
                        target.sql(),
                        target.many(),
                        target.type(),
                        Rep.ITEM,
                        target.base(),
                        target.path(),
                        name,
                        el.types());
            }
            return child(target, name, el.repeats(), el.types().get(0));
        }

        private Val child(Val target, String key, boolean repeats, String type) {
            if (target.lazy()) {
                List<Segment> path = new ArrayList<>(target.path());
                path.add(new Segment(key, repeats));
                return Val.path(target.base(), path, type);
            }
            if (!target.many()) {
                return Val.path(target.sql(), List.of(new Segment(key, repeats)), type);
            }
            String x = aliases.next("x");
            Val c = Val.path(dialect.itemRef(x), List.of(new Segment(key, repeats)), type);
            return Val.list(dialect.flatMap(target.sql(), x, list(c)), type);
        }

        private Val ofType(Val v, String type) {
            if (v.choice() != null) {
                if (!v.choiceTypes().contains(type)) {
                    throw new UnsupportedPathException("'" + v.choice() + "' cannot be of type " + type);
                }
                String key = v.choice() + Character.toUpperCase(type.charAt(0)) + type.substring(1);
                Val parent = new Val(v.sql(), v.many(), v.type(), v.rep(), v.base(), v.path(), null, null);
                return child(parent, key, false, type);
            }
            return type.equals(v.type()) ? v : Val.list(dialect.emptyList(), type);
        }

        private Val call(Expr.Call c, Val focus) {
            Val target = compile(c.target(), focus);
            List<Expr> args = c.args();
            switch (c.name()) {
                case "ofType": {
                    arity(c, 1);
                    return ofType(target, typeName(args.get(0)));
                }
                case "first": {
                    arity(c, 0);
                    requireResolved(target);
                    return one(target, "first", false);
                }
                case "last": {
                    arity(c, 0);
                    String l = list(target);
                    return Val.item(dialect.at(l, dialect.count(l) + " - 1"), target.type());
                }
                case "exists", "empty": {
                    Val t = target;
                    if (!args.isEmpty()) {
                        arity(c, c.name().equals("exists") ? 1 : 0);
                        t = where(target, args.get(0));
                    } else if (!t.many() && t.lazy()) {
                        String present = dialect.pathItem(t.base(), names(t.path()), isComplex(t)) + " IS NOT NULL";
                        return Val.bool(dialect.bool(c.name().equals("exists") ? present : "NOT (" + present + ")"));
                    }
                    String n = dialect.count(list(t));
                    return Val.bool(dialect.bool(n + (c.name().equals("exists") ? " > 0" : " = 0")));
                }
                case "where": {
                    arity(c, 1);
                    return where(target, args.get(0));
                }
                case "extension": {
                    arity(c, 1);
                    if (!(args.get(0) instanceof Expr.Literal url)
                            || !url.type().equals("string")) {
                        throw new UnsupportedPathException("extension() takes a url string");
                    }
                    Val ext = member(target, "extension");
                    String x = aliases.next("x");
                    String pred =
                            dialect.pathText(dialect.itemRef(x), List.of("url")) + " = " + dialect.string(url.text());
                    return Val.list(dialect.filter(list(ext), x, pred), "Extension");
                }
                case "join": {
                    String sep = "";
                    if (!args.isEmpty()) {
                        arity(c, 1);
                        if (!(args.get(0) instanceof Expr.Literal s)
                                || !s.type().equals("string")) {
                            throw new UnsupportedPathException("join() takes a separator string");
                        }
                        sep = s.text();
                    }
                    return Val.text(dialect.join(list(target), sep), "string");
                }
                case "getResourceKey": {
                    arity(c, 0);
                    return Val.text(text(member(root, "id")), "string");
                }
                case "getReferenceKey": {
                    String type = null;
                    if (!args.isEmpty()) {
                        arity(c, 1);
                        type = typeName(args.get(0));
                    }
                    Val ref = member(target, "reference");
                    if (!ref.many()) {
                        return Val.text(dialect.referenceKey(text(ref), type), "string");
                    }
                    String x = aliases.next("x");
                    String key = dialect.referenceKey(dialect.itemText(dialect.itemRef(x)), type);
                    return Val.list(dialect.transform(list(ref), x, key), "string");
                }
                case "not": {
                    arity(c, 0);
                    return Val.bool(dialect.not(bool(one(target, "not()", true))));
                }
                case "lowBoundary", "highBoundary": {
                    arity(c, 0);
                    boolean high = c.name().equals("highBoundary");
                    Val v = one(target, c.name(), true);
                    String type = v.type() == null ? "" : v.type();
                    if (type.equals("decimal")) {
                        return Val.num(dialect.decimalBoundary(text(v), high), "decimal");
                    }
                    if (type.equals("date")
                            || type.equals("dateTime")
                            || type.equals("instant")
                            || type.equals("time")) {
                        return Val.text(
                                dialect.temporalBoundary(text(v), type.equals("instant") ? "dateTime" : type, high),
                                type);
                    }
                    throw new UnsupportedPathException(c.name() + "() of a " + v.type() + " value");
                }
                default:
                    throw new UnsupportedPathException("unsupported function '" + c.name() + "()'");
            }
        }

        private Val where(Val target, Expr criteria) {
            requireResolved(target);
            String x = aliases.next("x");
            Val item = Val.item(dialect.itemRef(x), target.type());
            Val crit = compile(criteria, item);
            if (!"boolean".equals(crit.type())) {
                throw new UnsupportedPathException("where() criteria must be boolean");
            }
            String pred = dialect.isTrue(bool(one(crit, "where() criteria", true)));
            return Val.list(dialect.filter(list(target), x, pred), target.type());
        }

        private Val binary(Expr.Binary b, Val focus) {
            Val l = compile(b.left(), focus);
            Val r = compile(b.right(), focus);
            String op = b.op();
            switch (op) {
                case "and", "or", "xor", "implies": {
                    String a = bool(one(l, op, true));
                    String c = bool(one(r, op, true));
                    return Val.bool(
                            switch (op) {
                                case "and" -> dialect.and(a, c);
                                case "or" -> dialect.or(a, c);
                                case "implies" -> dialect.or(dialect.not(a), c);
                                default -> dialect.bool(a + " <> " + c);
                            });
                }
                case "=", "!=", "<", ">", "<=", ">=": {
                    if ((op.equals("=") || op.equals("!=")) && (l.many() || r.many())) {
                        requireResolved(l);
                        requireResolved(r);
                        String eq = dialect.listEquals(list(l), list(r));
                        return Val.bool(op.equals("=") ? eq : dialect.not(eq));
                    }
                    Val a = one(l, op, true);
                    Val c = one(r, op, true);
                    String sqlOp = op.equals("!=") ? "<>" : op;
                    if (numeric(a) && numeric(c)) {
                        return Val.bool(dialect.bool(number(a) + " " + sqlOp + " " + number(c)));
                    }
                    if (isComplex(a) || isComplex(c)) {
                        throw new UnsupportedPathException("'" + op + "' compares primitive values only");
                    }
                    return Val.bool(dialect.bool(text(a) + " " + sqlOp + " " + text(c)));
                }
                case "+", "-", "*", "/", "div", "mod": {
                    Val a = one(l, op, true);
                    Val c = one(r, op, true);
                    if (op.equals("+") && !numeric(a) && !numeric(c)) {
                        return Val.text(dialect.concatText(text(a), text(c)), "string");
                    }
                    requireNumber(a, op);
                    requireNumber(c, op);
                    boolean integers = INTEGER_TYPES.contains(a.type()) && INTEGER_TYPES.contains(c.type());
                    String x = number(a);
                    String y = number(c);
                    String sql = switch (op) {
                        case "/" -> "(CAST(" + x + " AS DOUBLE PRECISION) / nullif(" + y + ", 0))";
                        case "div" -> "floor(" + x + " / nullif(" + y + ", 0))";
                        case "mod" -> "(" + x + " % nullif(" + y + ", 0))";
                        default -> "(" + x + " " + op + " " + y + ")";
                    };
                    return Val.num(sql, integers && !op.equals("/") ? "integer" : "decimal");
                }
                case "&": {
                    String a = "coalesce(" + text(one(l, op, true)) + ", " + dialect.string("") + ")";
                    String c = "coalesce(" + text(one(r, op, true)) + ", " + dialect.string("") + ")";
                    return Val.text(dialect.concatText(a, c), "string");
                }
                default:
                    throw new UnsupportedPathException("unsupported operator '" + op + "'");
            }
        }

        private boolean numeric(Val v) {
            return v.type() != null
                    && (INTEGER_TYPES.contains(v.type()) || v.type().equals("decimal"));
        }

        private void requireNumber(Val v, String op) {
            if (!numeric(v)) {
                throw new UnsupportedPathException("'" + op + "' needs numbers, not " + v.type());
            }
        }
    }

    private static void arity(Expr.Call c, int n) {
        if (c.args().size() != n) {
            throw new UnsupportedPathException(c.name() + "() takes " + n + " argument(s)");
        }
    }

    private static String typeName(Expr e) {
        if (e instanceof Expr.Member m && m.target() instanceof Expr.This) {
            return m.name();
        }
        throw new UnsupportedPathException("expected a type name, got " + e);
    }
}
