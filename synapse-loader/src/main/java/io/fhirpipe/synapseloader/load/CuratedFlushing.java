package io.fhirpipe.synapseloader.load;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.synapseloader.config.LoaderConfig;
import io.fhirpipe.synapseloader.curated.BlobCuratedSink;
import io.fhirpipe.synapseloader.curated.CuratedFlushTimer;
import io.fhirpipe.synapseloader.warehouse.Warehouse;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * Starts the curated flush timer when snapshots are debounced (fhirpipe.loader.curated-interval > 0);
 * at shutdown checkpoints the warehouse, then writes the last snapshots. The warehouse bean's disposer
 * checkpoints again and closes.
 */
@ApplicationScoped
class CuratedFlushing {

    @Inject
    LoaderConfig config;

    @Inject
    Warehouse warehouse;

    @Inject
    BlobServiceClient storage;

    private CuratedFlushTimer timer;

    void start(@Observes StartupEvent startup) {
        Duration every = config.loader().curatedInterval();
        if (config.loader().curatedParquet() && !every.isZero()) {
            warehouse
                    .curated()
                    .ifPresent(
                            snapshots -> timer = new CuratedFlushTimer(snapshots, new BlobCuratedSink(storage), every));
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stop(warehouse, timer);
    }

    /**
     * Checkpoints DuckDB before the last snapshot: storage may be stopping at the same time, its
     * client then retries the upload for longer than a stack waits before it kills the process, and
     * the database file must already hold every row when that happens.
     */
    static void stop(Warehouse warehouse, CuratedFlushTimer timer) {
        warehouse.checkpoint();
        if (timer != null) {
            timer.close();
        }
    }
}
