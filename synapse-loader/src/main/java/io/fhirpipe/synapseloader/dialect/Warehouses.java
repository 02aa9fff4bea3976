package io.fhirpipe.synapseloader.dialect;

import io.fhirpipe.sqlonfhir.defaults.ViewCatalog;
import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.config.LoaderConfig;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.duckdb.TypedStorage;
import io.fhirpipe.synapseloader.tsql.SqlConnectionSource;
import io.fhirpipe.synapseloader.tsql.StorageFolders;
import io.fhirpipe.synapseloader.tsql.TSqlWarehouse;
import io.fhirpipe.synapseloader.tsql.WarehouseKind;
import io.fhirpipe.synapseloader.views.LoaderViews;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Opens the warehouse {@code fhirpipe.loader.dialect} names: {@code duckdb} (the embedded default)
 * or one of the T-SQL dialects. An unknown dialect or a missing setting fails start-up with a
 * {@link WarehouseConfigException} naming the property.
 */
public final class Warehouses {

    public static final String DUCKDB = "duckdb";
    public static final List<String> DIALECTS = dialects();

    private Warehouses() {}

    /**
     * @param connector opens connections for checked T-SQL settings (in production
     *                  {@code settings -> settings.connections()::open})
     * @param folders   empties serverless CETAS folders
     */
    public static Warehouse open(
            LoaderConfig.Loader loader,
            Path workDirectory,
            Optional<Set<String>> onlyTypes,
            Function<TSqlSettings, SqlConnectionSource> connector,
            StorageFolders folders) {
        String dialect = loader.dialect() == null ? "" : loader.dialect().trim();
        if (DUCKDB.equals(dialect)) {
            LoaderViews views = LoaderViews.compile(
                    new DuckDbDialect(),
                    loader.viewsDirectory(),
                    DuckDbWarehouse.CHUNK_TABLE,
                    DuckDbWarehouse::rawTable,
                    onlyTypes);
            TypedStorage typed = TypedStorage.parse(loader.duckdb().typed())
                    .orElseThrow(() -> new WarehouseConfigException(
                            TypedStorage.PROPERTY,
                            TypedStorage.PROPERTY + "=" + loader.duckdb().typed()
                                    + " is not a typed storage; expected tables or views"));
            return DuckDbWarehouse.open(
                    loader.duckdb().path(),
                    views,
                    workDirectory,
                    loader.duckdb().memoryLimit(),
                    loader.duckdb().threads(),
                    typed,
                    loader.duckdb().checkpointThreshold());
        }
        WarehouseKind kind = kind(dialect);
        TSqlSettings settings = TSqlSettings.from(kind, loader.sql());
        return TSqlWarehouse.open(
                kind,
                settings.layout(),
                settings.storageCredential(),
                settings.storageAccountUrl(),
                views(loader.viewsDirectory(), onlyTypes),
                onlyTypes.map(t -> t.stream().sorted().toList()).orElse(List.of()),
                connector.apply(settings),
                folders);
    }

    /** The T-SQL dialect of a {@code fhirpipe.loader.dialect} value. */
    public static WarehouseKind kind(String dialect) {
        return Arrays.stream(WarehouseKind.values())
                .filter(k -> k.configName().equals(dialect))
                .findFirst()
                .orElseThrow(() -> new WarehouseConfigException(
                        TSqlSettings.DIALECT,
                        TSqlSettings.DIALECT + "=" + dialect + " is not a warehouse dialect; expected one of "
                                + String.join(", ", DIALECTS)));
    }

    /** The shipped ViewDefinitions, replaced or extended from the views directory, of the served types. */
    static List<ViewDefinition> views(Optional<Path> directory, Optional<Set<String>> onlyTypes) {
        ViewCatalog catalog = ViewCatalog.withDefaults();
        if (directory.isPresent()) {
            catalog = catalog.overriddenBy(directory.get());
        }
        return catalog.views().stream()
                .filter(v -> onlyTypes.isEmpty() || onlyTypes.get().contains(v.resource()))
                .toList();
    }

    private static List<String> dialects() {
        List<String> all = new ArrayList<>();
        all.add(DUCKDB);
        Arrays.stream(WarehouseKind.values()).forEach(k -> all.add(k.configName()));
        return List.copyOf(all);
    }
}
