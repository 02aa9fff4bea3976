package io.fhirpipe.synapseloader.load;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.sqlonfhir.sql.DuckDbDialect;
import io.fhirpipe.synapseloader.chunk.BlobChunkSource;
import io.fhirpipe.synapseloader.config.LoaderConfig;
import io.fhirpipe.synapseloader.curated.BlobCuratedSink;
import io.fhirpipe.synapseloader.curated.CuratedSink;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.rejects.RejectedLinesWriter;
import io.fhirpipe.synapseloader.views.LoaderViews;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/** Storage client, compiled views, warehouse and loader, built from configuration. */
@ApplicationScoped
public class LoaderBeans {

    public static final String DUCKDB = "duckdb";

    @Produces
    @Singleton
    BlobServiceClient blobServiceClient(LoaderConfig config) {
        return BlobStorageClients.fromConfig(config.storage());
    }

    @Produces
    @Singleton
    DuckDbWarehouse warehouse(LoaderConfig config) {
        LoaderConfig.Loader loader = config.loader();
        if (!DUCKDB.equals(loader.dialect())) {
            throw new IllegalStateException("fhirpipe.loader.dialect=" + loader.dialect()
                    + " is not available in this build; only " + DUCKDB + " is implemented");
        }
        LoaderViews views = LoaderViews.compile(new DuckDbDialect(), loader.viewsDirectory(),
                DuckDbWarehouse.CHUNK_TABLE, DuckDbWarehouse::rawTable, onlyTypes(config));
        return DuckDbWarehouse.open(loader.duckdb().path(), views, workDirectory(config),
                loader.duckdb().memoryLimit(), loader.duckdb().threads());
    }

    void closeWarehouse(@Disposes DuckDbWarehouse warehouse) {
        warehouse.close();
    }

    @Produces
    @Singleton
    ChunkLoader chunkLoader(LoaderConfig config, DuckDbWarehouse warehouse, BlobServiceClient storage) {
        RejectedLinesWriter rejects = new RejectedLinesWriter(storage);
        Optional<CuratedSink> curated = config.loader().curatedParquet()
                ? Optional.of(new BlobCuratedSink(storage)) : Optional.empty();
        return new ChunkLoader(warehouse, new BlobChunkSource(storage), rejects::write, curated, onlyTypes(config),
                workDirectory(config), Clock.systemUTC());
    }

    private static Optional<Set<String>> onlyTypes(LoaderConfig config) {
        return config.loader().resourceTypes().map(Set::copyOf);
    }

    private static Path workDirectory(LoaderConfig config) {
        return config.loader().workDirectory()
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "fhirpipe-loader"));
    }
}
