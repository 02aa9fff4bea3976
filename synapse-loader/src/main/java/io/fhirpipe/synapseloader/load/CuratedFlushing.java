package io.fhirpipe.synapseloader.load;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.synapseloader.config.LoaderConfig;
import io.fhirpipe.synapseloader.curated.BlobCuratedSink;
import io.fhirpipe.synapseloader.curated.CuratedFlushTimer;
import io.fhirpipe.synapseloader.duckdb.DuckDbWarehouse;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;

/** Starts the curated flush timer when snapshots are debounced (fhirpipe.loader.curated-interval > 0). */
@ApplicationScoped
public class CuratedFlushing {

    @Inject
    LoaderConfig config;

    @Inject
    Warehouse warehouse;

    @Inject
    BlobServiceClient storage;

    private CuratedFlushTimer timer;

    void start(@Observes StartupEvent startup) {
        Duration every = config.loader().curatedInterval();
        if (config.loader().curatedParquet() && !every.isZero() && warehouse instanceof DuckDbWarehouse) {
            timer = new CuratedFlushTimer(warehouse, new BlobCuratedSink(storage), every);
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer != null) {
            timer.close();
        }
    }
}
