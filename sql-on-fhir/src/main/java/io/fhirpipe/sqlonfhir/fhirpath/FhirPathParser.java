package io.fhirpipe.sqlonfhir.fhirpath;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for FHIRPath expressions (the grammar of the FHIRPath N1
 * specification, without lambdas' {@code $total} and quantity literals), by operator precedence:
 * implies, or/xor, and, in/contains, equality, comparison, |, is/as, additive, multiplicative,
 * unary, invocation / indexer. Anything the parser does not recognise is an error here, so no
 * text reaches SQL unless it parsed into the tree.
 */
public final class FhirPathParser {

    private final String text;
    private int pos;

    private FhirPathParser(String text) {
        this.text = text;
    }

    public static Expr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new UnsupportedPathException("empty expression");
        }
        FhirPathParser p = new FhirPathParser(text);
        Expr e = p.implies();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw new UnsupportedPathException("unexpected '" + text.substring(p.pos) + "'");
        }
        return e;
    }

    private Expr implies() {
        Expr left = orExpr();
        while (keyword("implies")) {
            left = new Expr.Binary("implies", left, orExpr());
        }
        return left;
    }

    private Expr orExpr() {
        Expr left = andExpr();
        while (true) {
            if (keyword("or")) {
                left = new Expr.Binary("or", left, andExpr());
            } else if (keyword("xor")) {
                left = new Expr.Binary("xor", left, andExpr());
            } else {
                return left;
            }
        }
    }

    private Expr andExpr() {
        Expr left = membership();
        while (keyword("and")) {
            left = new Expr.Binary("and", left, membership());
        }
        return left;
    }

    private Expr membership() {
        Expr left = equality();
        while (true) {
            if (keyword("in")) {
                left = new Expr.Binary("in", left, equality());
            } else if (keyword("contains")) {
                left = new Expr.Binary("contains", left, equality());
            } else {
                return left;
            }
        }
    }

    private Expr equality() {
        Expr left = comparison();
        while (true) {
            String op = symbol("!=", "!~", "=", "~");
            if (op == null) {
                return left;
            }
            left = new Expr.Binary(op, left, comparison());
        }
    }

    private Expr comparison() {
        Expr left = union();
        while (true) {
            String op = symbol("<=", ">=", "<", ">");
            if (op == null) {
                return left;
            }
            left = new Expr.Binary(op, left, union());
        }
    }

    private Expr union() {
        Expr left = typeExpr();
        while (symbol("|") != null) {
            left = new Expr.Binary("|", left, typeExpr());
        }
        return left;
    }

    private Expr typeExpr() {
        Expr left = additive();
        while (true) {
            if (keyword("is")) {
                left = new Expr.TypeOp("is", left, typeName());
            } else if (keyword("as")) {
                left = new Expr.TypeOp("as", left, typeName());
            } else {
                return left;
            }
        }
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (true) {
            String op = symbol("+", "-", "&");
            if (op == null) {
                return left;
            }
            left = new Expr.Binary(op, left, multiplicative());
        }
    }

    private Expr multiplicative() {
        Expr left = unary();
        while (true) {
            String op = symbol("*", "/");
            if (op == null) {
                op = keyword("div") ? "div" : keyword("mod") ? "mod" : null;
            }
            if (op == null) {
                return left;
            }
            left = new Expr.Binary(op, left, unary());
        }
    }

    private Expr unary() {
        skipSpace();
        if (peek('-') || peek('+')) {
            String op = String.valueOf(text.charAt(pos++));
            return new Expr.Unary(op, unary());
        }
        return invocation();
    }

    private Expr invocation() {
        Expr e = term();
        while (true) {
            skipSpace();
            if (peek('.')) {
                pos++;
                e = member(e);
            } else if (peek('[')) {
                pos++;
                Expr index = implies();
                skipSpace();
                expect(']');
                e = new Expr.Indexer(e, index);
            } else {
                return e;
            }
        }
    }

    private Expr term() {
        skipSpace();
        if (pos >= text.length()) {
            throw new UnsupportedPathException("expression ends too early");
        }
        char c = text.charAt(pos);
        if (c == '(') {
            pos++;
            Expr e = implies();
            skipSpace();
            expect(')');
            return e;
        }
        if (c == '\'') {
            return new Expr.Literal("string", string());
        }
        if (c == '{') {
            pos++;
            skipSpace();
            expect('}');
            return new Expr.Empty();
        }
        if (c == '@') {
            return dateTimeLiteral();
        }
        if (c == '%') {
            pos++;
            if (peek('\'') || peek('`')) {
                return new Expr.Variable(peek('\'') ? string() : delimited());
            }
            return new Expr.Variable(identifier());
        }
        if (c == '$') {
            if (text.startsWith("$this", pos)) {
                pos += 5;
                return new Expr.This();
            }
            if (text.startsWith("$index", pos)) {
                pos += 6;
                return new Expr.Index();
            }
            throw new UnsupportedPathException("unsupported variable at '" + text.substring(pos) + "'");
        }
        if (Character.isDigit(c)) {
            return number();
        }
        if (keyword("true")) {
            return new Expr.Literal("boolean", "true");
        }
        if (keyword("false")) {
            return new Expr.Literal("boolean", "false");
        }
        return member(new Expr.This());
    }

    private Expr number() {
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos + 1 < text.length() && text.charAt(pos) == '.' && Character.isDigit(text.charAt(pos + 1))) {
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            return new Expr.Literal("decimal", text.substring(start, pos));
        }
        if (pos < text.length() && text.charAt(pos) == 'L') {
            pos++;
            return new Expr.Literal("integer", text.substring(start, pos - 1));
        }
        skipSpace();
        if (peek('\'')) {
            throw new UnsupportedPathException("quantity literals are not supported");
        }
        return new Expr.Literal("integer", text.substring(start, pos));
    }

    private Expr dateTimeLiteral() {
        pos++;
        int start = pos;
        while (pos < text.length()
                && (Character.isLetterOrDigit(text.charAt(pos)) || "-:.+".indexOf(text.charAt(pos)) >= 0)) {
            pos++;
        }
        String v = text.substring(start, pos);
        if (v.matches("T\\d{2}(:\\d{2}(:\\d{2}(\\.\\d+)?)?)?")) {
            return new Expr.Literal("time", v.substring(1));
        }
        if (v.matches("\\d{4}(-\\d{2}(-\\d{2})?)?")) {
            return new Expr.Literal("date", v);
        }
        if (v.matches("\\d{4}(-\\d{2}(-\\d{2})?)?T.*")) {
            return new Expr.Literal("dateTime", v.endsWith("T") ? v.substring(0, v.length() - 1) : v);
        }
        throw new UnsupportedPathException("invalid date/time literal '@" + v + "'");
    }

    /** A member or function call on {@code target}. */
    private Expr member(Expr target) {
        skipSpace();
        String name = peek('`') ? delimited() : identifier();
        skipSpace();
        if (!peek('(')) {
            return new Expr.Member(target, name);
        }
        pos++;
        List<Expr> args = new ArrayList<>();
        skipSpace();
        if (!peek(')')) {
            do {
                args.add(implies());
                skipSpace();
            } while (peek(',') && pos++ >= 0);
        }
        expect(')');
        return new Expr.Call(target, name, args);
    }

    private String typeName() {
        String name = identifier();
        while (peek('.')) {
            pos++;
            name = name + "." + identifier();
        }
        return name;
    }

    private String identifier() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        String id = text.substring(start, pos);
        // FHIR element and type names start with a letter; checked here so JSON paths stay safe
        if (!id.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new UnsupportedPathException(
                    "expected a name at position " + start + " ('" + text.substring(start) + "')");
        }
        return id;
    }

    private String delimited() {
        expect('`');
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != '`') {
            pos++;
        }
        String id = text.substring(start, pos);
        expect('`');
        if (!id.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new UnsupportedPathException("unsupported name `" + id + "`");
        }
        return id;
    }

    /** A string literal with FHIRPath escapes decoded. */
    private String string() {
        skipSpace();
        expect('\'');
        StringBuilder sb = new StringBuilder();
        while (pos < text.length() && text.charAt(pos) != '\'') {
            char c = text.charAt(pos++);
            if (c == '\\' && pos < text.length()) {
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
        expect('\'');
        return sb.toString();
    }

    /** Consumes a keyword operator when it stands alone (not the start of a longer name). */
    private boolean keyword(String word) {
        skipSpace();
        int end = pos + word.length();
        if (text.startsWith(word, pos)
                && (end == text.length()
                        || !(Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'))) {
            pos = end;
            return true;
        }
        return false;
    }

    private String symbol(String... ops) {
        skipSpace();
        for (String op : ops) {
            if (text.startsWith(op, pos)) {
                pos += op.length();
                return op;
            }
        }
        return null;
    }

    private void expect(char c) {
        skipSpace();
        if (!peek(c)) {
            throw new UnsupportedPathException("expected '" + c + "' at position " + pos);
        }
        pos++;
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
