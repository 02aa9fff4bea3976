package io.fhirpipe.sqlonfhir.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.sqlonfhir.model.Column;
import io.fhirpipe.sqlonfhir.model.Constant;
import io.fhirpipe.sqlonfhir.model.SelectNode;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads ViewDefinition JSON into the model. It only checks shape; whether the FHIRPath inside is
 * supported is decided by the compiler, which knows the column each expression belongs to.
 */
public final class ViewDefinitionParser {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ViewDefinition parse(String json) {
        try {
            return parse(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("ViewDefinition is not valid JSON: " + e.getMessage(), e);
        }
    }

    public ViewDefinition parse(InputStream in) {
        try {
            return parse(MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ViewDefinition", e);
        }
    }

    public ViewDefinition parse(JsonNode root) {
        if (!root.isObject()) {
            throw new IllegalArgumentException("ViewDefinition is not a JSON object");
        }
        String name = text(root, "name");
        String resource = text(root, "resource");
        if (resource == null) {
            throw new IllegalArgumentException("ViewDefinition '" + name + "' has no resource");
        }
        Map<String, Constant> constants = new LinkedHashMap<>();
        for (JsonNode c : root.path("constant")) {
            constants.put(requireText(c, "name", name), constantValue(c, name));
        }
        List<String> where = new ArrayList<>();
        for (JsonNode w : root.path("where")) {
            where.add(requireText(w, "path", name));
        }
        return new ViewDefinition(name, resource, constants, selects(root.path("select"), name), where);
    }

    private List<SelectNode> selects(JsonNode array, String view) {
        List<SelectNode> out = new ArrayList<>();
        for (JsonNode s : array) {
            List<Column> columns = new ArrayList<>();
            for (JsonNode c : s.path("column")) {
                JsonNode collection = c.path("collection");
                String name = requireText(c, "name", view);
                columns.add(new Column(
                        name,
                        requireText(c, "path", view),
                        collection.asBoolean(false),
                        text(c, "type"),
                        collection.isBoolean() && !collection.asBoolean(),
                        ansiType(c, view, name)));
            }
            List<String> repeat = new ArrayList<>();
            for (JsonNode r : s.path("repeat")) {
                repeat.add(r.asText());
            }
            int iterations = (s.has("forEach") ? 1 : 0) + (s.has("forEachOrNull") ? 1 : 0) + (repeat.isEmpty() ? 0 : 1);
            if (iterations > 1) {
                throw new IllegalArgumentException("ViewDefinition '" + view
                        + "': a select may have only one of forEach, forEachOrNull and repeat");
            }
            out.add(new SelectNode(
                    columns,
                    text(s, "forEach"),
                    text(s, "forEachOrNull"),
                    repeat,
                    selects(s.path("select"), view),
                    selects(s.path("unionAll"), view)));
        }
        return out;
    }

    /**
     * The value of the column's {@code ansi/type} tag. Tags with other names are hints for other
     * runners (the specification leaves their meaning to each) and are not read.
     */
    private static String ansiType(JsonNode column, String view, String name) {
        String found = null;
        for (JsonNode tag : column.path("tag")) {
            if ("ansi/type".equals(text(tag, "name"))) {
                if (found != null) {
                    throw new IllegalArgumentException(
                            "ViewDefinition '" + view + "': column '" + name + "' has more than one ansi/type tag");
                }
                found = requireText(tag, "value", view);
            }
        }
        return found;
    }

    /** FHIR constants carry their value in a value[x] field, whose suffix names the type. */
    private static Constant constantValue(JsonNode c, String view) {
        var fields = c.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            String key = f.getKey();
            if (key.startsWith("value") && key.length() > 5 && f.getValue().isValueNode()) {
                String type = Character.toLowerCase(key.charAt(5)) + key.substring(6);
                return new Constant(type, f.getValue().asText());
            }
        }
        throw new IllegalArgumentException(
                "ViewDefinition '" + view + "': constant '" + text(c, "name") + "' has no value[x]");
    }

    private static String requireText(JsonNode node, String field, String view) {
        String v = text(node, field);
        if (v == null) {
            throw new IllegalArgumentException("ViewDefinition '" + view + "': missing '" + field + "'");
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
