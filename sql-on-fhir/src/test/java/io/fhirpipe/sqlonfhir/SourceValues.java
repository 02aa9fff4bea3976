package io.fhirpipe.sqlonfhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fhirpipe.sqlonfhir.fhirpath.Expr;
import io.fhirpipe.sqlonfhir.fhirpath.FhirPathParser;
import io.fhirpipe.sqlonfhir.model.Constant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a FHIRPath expression of the shipped views reaches in a resource's JSON, evaluated in Java
 * independently of the SQL compiler, so a test can say "the source has this value" without
 * trusting the code under test. It covers the FHIRPath the shipped views use (members through
 * arrays, choice elements with ofType(), first(), where(), exists(), extension(url), join(),
 * getResourceKey(), getReferenceKey(), =, or, string literals, constants, %rowIndex, %resource)
 * and refuses anything else, so a new view expression cannot pass unchecked.
 */
final class SourceValues {

    /** One value; {@code choiceType} is the type suffix of the choice element it was read from. */
    record Item(JsonNode node, String choiceType) {}

    private final JsonNode resource;
    private final Map<String, Constant> constants;
    private final int rowIndex;

    SourceValues(JsonNode resource, Map<String, Constant> constants, int rowIndex) {
        this.resource = resource;
        this.constants = constants;
        this.rowIndex = rowIndex;
    }

    List<Item> eval(String path, JsonNode context) {
        return eval(FhirPathParser.parse(path), List.of(new Item(context, null)));
    }

    private List<Item> eval(Expr e, List<Item> focus) {
        if (e instanceof Expr.This) {
            return focus;
        }
        if (e instanceof Expr.Literal l && l.type().equals("string")) {
            return List.of(new Item(TextNode.valueOf(l.text()), null));
        }
        if (e instanceof Expr.Variable v) {
            if (v.name().equals("rowIndex")) {
                return List.of(new Item(IntNode.valueOf(rowIndex), null));
            }
            if (v.name().equals("resource")) {
                return List.of(new Item(resource, null));
            }
            return List.of(new Item(TextNode.valueOf(constants.get(v.name()).value()), null));
        }
        if (e instanceof Expr.Member m) {
            List<Item> out = new ArrayList<>();
            for (Item i : eval(m.target(), focus)) {
                member(i.node(), m.name(), out);
            }
            return out;
        }
        if (e instanceof Expr.Binary b && b.op().equals("=")) {
            List<Item> l = eval(b.left(), focus);
            List<Item> r = eval(b.right(), focus);
            if (l.isEmpty() || r.isEmpty()) {
                return List.of();
            }
            return bool(l.get(0).node().asText().equals(r.get(0).node().asText()));
        }
        if (e instanceof Expr.Binary b && b.op().equals("or")) {
            Boolean l = single(eval(b.left(), focus));
            Boolean r = single(eval(b.right(), focus));
            if (Boolean.TRUE.equals(l) || Boolean.TRUE.equals(r)) {
                return bool(true);
            }
            return l == null || r == null ? List.of() : bool(false);
        }
        if (e instanceof Expr.Call c) {
            return call(c, focus);
        }
        throw new IllegalArgumentException("SourceValues does not evaluate " + e);
    }

    private List<Item> call(Expr.Call c, List<Item> focus) {
        List<Item> target = eval(c.target(), focus);
        switch (c.name()) {
            case "ofType": {
                String type = ((Expr.Member) c.args().get(0)).name();
                return target.stream()
                        .filter(i -> type.equalsIgnoreCase(i.choiceType()))
                        .toList();
            }
            case "first":
                return target.isEmpty() ? List.of() : List.of(target.get(0));
            case "exists":
                return bool(!target.isEmpty());
            case "where": {
                List<Item> out = new ArrayList<>();
                for (Item i : target) {
                    if (Boolean.TRUE.equals(single(eval(c.args().get(0), List.of(i))))) {
                        out.add(i);
                    }
                }
                return out;
            }
            case "extension": {
                String url = ((Expr.Literal) c.args().get(0)).text();
                List<Item> out = new ArrayList<>();
                for (Item i : target) {
                    for (JsonNode x : i.node().path("extension")) {
                        if (url.equals(x.path("url").asText())) {
                            out.add(new Item(x, null));
                        }
                    }
                }
                return out;
            }
            case "join": {
                if (target.isEmpty()) {
                    return List.of();
                }
                String sep = c.args().isEmpty() ? "" : ((Expr.Literal) c.args().get(0)).text();
                return List.of(new Item(
                        TextNode.valueOf(String.join(
                                sep, target.stream().map(i -> i.node().asText()).toList())),
                        null));
            }
            case "getResourceKey":
                return List.of(new Item(resource.get("id"), null));
            case "getReferenceKey": {
                String type =
                        c.args().isEmpty() ? null : ((Expr.Member) c.args().get(0)).name();
                List<Item> out = new ArrayList<>();
                for (Item i : target) {
                    String ref = i.node().path("reference").asText(null);
                    if (ref == null) {
                        continue;
                    }
                    if (type == null) {
                        out.add(new Item(TextNode.valueOf(ref.substring(ref.lastIndexOf('/') + 1)), null));
                    } else if (ref.startsWith(type + "/")) {
                        out.add(new Item(TextNode.valueOf(ref.substring(type.length() + 1)), null));
                    }
                }
                return out;
            }
            default:
                throw new IllegalArgumentException("SourceValues does not evaluate " + c.name() + "()");
        }
    }

    /** Adds what {@code name} reaches below {@code node}: arrays flattened, choice keys typed. */
    private static void member(JsonNode node, String name, List<Item> out) {
        if (!node.isObject()) {
            return;
        }
        if (node.has(name)) {
            add(node.get(name), null, out);
            return;
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (key.startsWith(name)
                    && key.length() > name.length()
                    && Character.isUpperCase(key.charAt(name.length()))) {
                add(node.get(key), key.substring(name.length()), out);
            }
        }
    }

    private static void add(JsonNode v, String choiceType, List<Item> out) {
        if (v.isArray()) {
            v.forEach(x -> out.add(new Item(x, choiceType)));
        } else if (!v.isNull()) {
            out.add(new Item(v, choiceType));
        }
    }

    private static List<Item> bool(boolean b) {
        return List.of(new Item(BooleanNode.valueOf(b), null));
    }

    private static Boolean single(List<Item> items) {
        return items.isEmpty() ? null : items.get(0).node().asBoolean();
    }
}
