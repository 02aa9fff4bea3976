package io.fhirpipe.synapseloader.load;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.failure.TransientRetries;
import io.fhirpipe.runtime.storage.BlobStorageClients;
import io.fhirpipe.synapseloader.chunk.BlobChunkSource;
import io.fhirpipe.synapseloader.config.LoaderConfig;
import io.fhirpipe.synapseloader.curated.BlobCuratedSink;
import io.fhirpipe.synapseloader.curated.CuratedSink;
import io.fhirpipe.synapseloader.dialect.Warehouses;
import io.fhirpipe.synapseloader.rejects.RejectedLinesWriter;
import io.fhirpipe.synapseloader.tsql.BlobStorageFolders;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/** Storage client, the configured warehouse dialect and the loader, built from configuration. */
@ApplicationScoped
class LoaderBeans {

    public static final String DUCKDB = Warehouses.DUCKDB;

    @Produces
    @Singleton
    BlobServiceClient blobServiceClient(LoaderConfig config) {
        return BlobStorageClients.fromConfig(config.storage());
    }

    /** The dialect named by fhirpipe.loader.dialect; see {@link Warehouses}. */
    @Produces
    @Singleton
    @Typed(Warehouse.class)
    Warehouse warehouse(LoaderConfig config, BlobServiceClient storage) {
        return Warehouses.open(
                config.loader(),
                workDirectory(config),
                onlyTypes(config),
                settings -> settings.connections()::open,
                new BlobStorageFolders(storage));
    }

    void closeWarehouse(@Disposes Warehouse warehouse) {
        warehouse.close();
    }

    @Produces
    @Singleton
    ChunkLoader chunkLoader(LoaderConfig config, Warehouse warehouse, BlobServiceClient storage) {
        RejectedLinesWriter rejects = new RejectedLinesWriter(storage);
        // only a warehouse with curated snapshots (the embedded one) publishes Parquet; the T-SQL ones are the store
        Optional<CuratedSink> curated =
                config.loader().curatedParquet() && warehouse.curated().isPresent()
                        ? Optional.of(new BlobCuratedSink(storage))
                        : Optional.empty();
        LoaderConfig.Retry retry = config.loader().retry();
        return new ChunkLoader(
                warehouse,
                new BlobChunkSource(storage),
                rejects::write,
                curated,
                config.loader().curatedInterval(),
                onlyTypes(config),
                workDirectory(config),
                Clock.systemUTC(),
                new TransientRetries(
                        retry.maxAttempts(), new RetryBackoff(retry.minDelay(), retry.maxDelay()), retry.maxElapsed()));
    }

    private static Optional<Set<String>> onlyTypes(LoaderConfig config) {
        return config.loader().resourceTypes().map(Set::copyOf);
    }

    private static Path workDirectory(LoaderConfig config) {
        return config.loader()
                .workDirectory()
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "fhirpipe-loader"));
    }
}
