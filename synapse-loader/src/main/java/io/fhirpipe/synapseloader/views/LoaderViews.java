package io.fhirpipe.synapseloader.views;

import io.fhirpipe.sqlonfhir.defaults.ViewCatalog;
import io.fhirpipe.sqlonfhir.model.Column;
import io.fhirpipe.sqlonfhir.model.SelectNode;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.sql.CompiledView;
import io.fhirpipe.sqlonfhir.sql.SqlDialect;
import io.fhirpipe.sqlonfhir.sql.ViewCompiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The views this loader maintains, compiled once at start-up so an unsupported expression fails
 * the service before it takes a message.
 *
 * <p>Every view gets an extra first column {@value #RESOURCE_KEY} (the resource id, via
 * {@code getResourceKey()}): a view need not select the id, yet the loader must find a resource's
 * rows again to replace or delete them.
 */
public final class LoaderViews {

    public static final String RESOURCE_KEY = "_resource_key";

    private final Map<String, List<TypedView>> byType;

    private LoaderViews(Map<String, List<TypedView>> byType) {
        this.byType = byType;
    }

    /**
     * @param chunkTable table holding the rows of the chunk being loaded (column {@code resource})
     * @param rawTableFor the raw table of a resource type (column {@code resource})
     * @param onlyTypes when present, views of other resource types are left out
     */
    public static LoaderViews compile(
            SqlDialect dialect,
            Optional<Path> viewsDirectory,
            String chunkTable,
            Function<String, String> rawTableFor,
            Optional<? extends Collection<String>> onlyTypes) {
        ViewCatalog catalog = ViewCatalog.withDefaults();
        if (viewsDirectory.isPresent()) {
            catalog = catalog.overriddenBy(viewsDirectory.get());
        }
        Map<String, List<TypedView>> byType = new LinkedHashMap<>();
        for (ViewDefinition view : catalog.views()) {
            if (onlyTypes.isPresent() && !onlyTypes.get().contains(view.resource())) {
                continue;
            }
            ViewDefinition keyed = withResourceKey(view);
            CompiledView fromChunk = new ViewCompiler(dialect, chunkTable, "resource").compile(keyed);
            CompiledView fromRaw =
                    new ViewCompiler(dialect, rawTableFor.apply(view.resource()), "resource").compile(keyed);
            List<String> columns =
                    fromChunk.columns().subList(1, fromChunk.columns().size());
            byType.computeIfAbsent(view.resource(), t -> new ArrayList<>())
                    .add(new TypedView(view.name(), view.resource(), columns, fromChunk.select(), fromRaw.select()));
        }
        byType.replaceAll((t, views) -> List.copyOf(views));
        return new LoaderViews(byType);
    }

    private static ViewDefinition withResourceKey(ViewDefinition view) {
        List<SelectNode> select = new ArrayList<>();
        select.add(new SelectNode(
                List.of(new Column(RESOURCE_KEY, "getResourceKey()", false, null)), null, null, List.of(), List.of()));
        select.addAll(view.select());
        return new ViewDefinition(view.name(), view.resource(), view.constants(), select, view.where());
    }

    public List<TypedView> forType(String resourceType) {
        return byType.getOrDefault(resourceType, List.of());
    }

    public List<TypedView> all() {
        return byType.values().stream().flatMap(List::stream).toList();
    }
}
