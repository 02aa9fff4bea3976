package io.fhirpipe.sqlonfhir.defaults;

import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.SqlDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The set of views a loader serves: the shipped defaults, with user files (*.json in a directory)
 * adding views or replacing a default of the same name. {@link #compileAll} compiles every view
 * up front so an unsupported expression fails at start-up, not at the first chunk.
 */
public final class ViewCatalog {

    private final Map<String, ViewDefinition> views;

    private ViewCatalog(Map<String, ViewDefinition> views) {
        this.views = views;
    }

    public static ViewCatalog withDefaults() {
        Map<String, ViewDefinition> byName = new LinkedHashMap<>();
        for (ViewDefinition v : DefaultViewDefinitions.load()) {
            byName.put(v.name(), v);
        }
        return new ViewCatalog(byName);
    }

    /** A catalog where each *.json file in {@code directory} adds or replaces a view by name. */
    public ViewCatalog overriddenBy(Path directory) {
        Map<String, ViewDefinition> byName = new LinkedHashMap<>(views);
        ViewDefinitionParser parser = new ViewDefinitionParser();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file :
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    ViewDefinition v = parser.parse(in);
                    byName.put(v.name(), v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read view definitions from " + directory, e);
        }
        return new ViewCatalog(byName);
    }

    public List<ViewDefinition> views() {
        return List.copyOf(views.values());
    }

    /**
     * @param rawTableFor the raw table of a resource type, e.g. {@code t -> "raw_" + t}
     */
    public List<CompiledView> compileAll(
            SqlDialect dialect, Function<String, String> rawTableFor, String resourceColumn) {
        List<CompiledView> out = new ArrayList<>();
        for (ViewDefinition v : views.values()) {
            out.add(new ViewCompiler(dialect, rawTableFor.apply(v.resource()), resourceColumn).compile(v));
        }
        return out;
    }
}
