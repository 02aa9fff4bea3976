package io.fhirpipe.sqlonfhir.fhirpath;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The FHIR R4 element table ({@code fhir-r4-elements.tsv}, generated from the R4
 * StructureDefinitions and checked against them by a test): which elements repeat and what type
 * they hold. The compiler needs it to know where JSON arrays are and which expressions are
 * boolean. Backbone elements are typed by their path ({@code Patient.contact}), so navigation below
 * them continues in the same table.
 */
public final class FhirModel {

    /** An element of a type: whether it repeats, its types (several for a choice {@code [x]}). */
    public record Element(boolean repeats, List<String> types, boolean choice) {}

    private static final FhirModel R4 = load("fhir-r4-elements.tsv");

    private final Map<String, Element> byPath;
    private final Set<String> types;

    private FhirModel(Map<String, Element> byPath, Set<String> types) {
        this.byPath = byPath;
        this.types = types;
    }

    public static FhirModel r4() {
        return R4;
    }

    /** Whether {@code type} is a resource, complex or backbone type of the table. */
    public boolean isComplexType(String type) {
        return types.contains(type);
    }

    /** The element {@code name} of {@code type}, or null when the type has no such element. */
    public Element element(String type, String name) {
        if (type == null) {
            return null;
        }
        Element e = byPath.get(type + "." + name);
        return e != null ? e : byPath.get(type + "." + name + "[x]");
    }

    private static FhirModel load(String file) {
        Map<String, String[]> rows = new HashMap<>();
        try (InputStream in = FhirModel.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + file);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    String[] f = line.split("\t", -1);
                    rows.put(f[0], f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Set<String> parents = new HashSet<>();
        for (String path : rows.keySet()) {
            parents.add(path.substring(0, path.lastIndexOf('.')));
        }
        Map<String, Element> byPath = new HashMap<>();
        for (String[] f : rows.values()) {
            String path = f[0];
            List<String> types;
            if (f[2].startsWith("#")) {
                types = List.of(f[2].substring(1));
            } else if (parents.contains(path)) {
                // a backbone element: its children are listed under its own path
                types = List.of(path);
            } else {
                types = List.of(f[2].split(","));
            }
            byPath.put(path, new Element("*".equals(f[1]) || parseMax(f[1]) > 1, types, path.endsWith("[x]")));
        }
        return new FhirModel(byPath, parents);
    }

    private static int parseMax(String max) {
        try {
            return Integer.parseInt(max);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
