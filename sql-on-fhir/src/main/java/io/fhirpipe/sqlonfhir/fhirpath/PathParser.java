package io.fhirpipe.sqlonfhir.fhirpath;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the supported FHIRPath subset:
 *
 * <pre>
 * expression := chain ( '=' operand )?
 * chain      := term ( '.' term )*
 * term       := IDENT | IDENT '(' args ')'
 * operand    := STRING | NUMBER | 'true' | 'false' | '%' IDENT
 * </pre>
 *
 * Everything else is rejected here rather than passed through, because an expression we do not
 * understand must never reach the SQL text.
 */
public final class PathParser {

  private final String text;
  private int pos;

  private PathParser(String text) {
    this.text = text;
  }

  public static PathExpression parse(String text) {
    PathParser p = new PathParser(text);
    List<Step> steps = p.chain();
    Operand equalTo = null;
    p.skipSpace();
    if (p.peek('=')) {
      p.pos++;
      equalTo = p.operand();
    }
    p.skipSpace();
    if (p.pos != text.length()) {
      throw new UnsupportedPathException("unsupported syntax at '" + text.substring(p.pos) + "'");
    }
    return new PathExpression(text, steps, equalTo);
  }

  private List<Step> chain() {
    List<Step> steps = new ArrayList<>();
    steps.add(term());
    skipSpace();
    while (peek('.')) {
      pos++;
      steps.add(term());
      skipSpace();
    }
    return steps;
  }

  private Step term() {
    skipSpace();
    if (peek('%')) {
      throw new UnsupportedPathException(
          "%constant is supported only as the right-hand side of '='");
    }
    if (text.startsWith("$this", pos)) {
      pos += "$this".length();
      return new Step.This();
    }
    String name = identifier();
    skipSpace();
    if (!peek('(')) {
      return new Step.Member(name);
    }
    pos++;
    Step step = switch (name) {
      case "first" -> new Step.First();
      case "exists" -> new Step.Exists();
      case "getResourceKey" -> new Step.ResourceKey();
      case "getReferenceKey" -> new Step.ReferenceKey(optionalIdentifier());
      case "ofType" -> new Step.OfType(identifier());
      case "extension" -> new Step.Extension(string());
      case "join" -> new Step.Join(optionalString());
      case "where" -> where();
      default -> throw new UnsupportedPathException("unsupported function '" + name + "()'");
    };
    skipSpace();
    expect(')');
    return step;
  }

  private Step where() {
    List<Step> inner = chain();
    List<String> path = new ArrayList<>();
    for (Step s : inner) {
      if (!(s instanceof Step.Member m)) {
        throw new UnsupportedPathException("where() supports only 'member.path = value'");
      }
      path.add(m.name());
    }
    skipSpace();
    expect('=');
    return new Step.Where(path, operand());
  }

  private Operand operand() {
    skipSpace();
    if (peek('\'')) {
      return new Operand.Literal(string());
    }
    if (peek('%')) {
      pos++;
      return new Operand.ConstantRef(identifier());
    }
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.'
            || text.charAt(pos) == '-')) {
      pos++;
    }
    String token = text.substring(start, pos);
    if (token.equals("true") || token.equals("false") || token.matches("-?\\d+(\\.\\d+)?")) {
      return new Operand.Literal(token);
    }
    throw new UnsupportedPathException("unsupported operand '" + token + "'");
  }

  private String optionalIdentifier() {
    skipSpace();
    return peek(')') ? null : identifier();
  }

  private String optionalString() {
    skipSpace();
    return peek(')') ? "" : string();
  }

  private String identifier() {
    skipSpace();
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    String id = text.substring(start, pos);
    // FHIR element and type names start with a letter; validating here keeps JSON paths safe.
    if (!id.matches("[A-Za-z][A-Za-z0-9_]*")) {
      throw new UnsupportedPathException("expected a name at position " + start);
    }
    return id;
  }

  /** A FHIRPath string literal; \' and \\ escapes are decoded. */
  private String string() {
    skipSpace();
    expect('\'');
    StringBuilder sb = new StringBuilder();
    while (pos < text.length() && text.charAt(pos) != '\'') {
      char c = text.charAt(pos++);
      if (c == '\\' && pos < text.length()) {
        c = text.charAt(pos++);
      }
      sb.append(c);
    }
    expect('\'');
    return sb.toString();
  }

  private void expect(char c) {
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
