package io.fhirpipe.exporttrigger.tracking;

import io.fhirpipe.model.storage.StatePaths;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.Versioned;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The tracker's progress document per export, updated with ETag checks (replicas may race). */
public final class ExportProgressStore {

    private final JsonBlobStore blobs;

    public ExportProgressStore(JsonBlobStore blobs) {
        this.blobs = blobs;
    }

    public Optional<ExportProgress> find(String exportId) {
        return blobs.read(StatePaths.exportProgress(exportId), ExportProgress.class)
                .map(Versioned::value);
    }

    public ExportProgress apply(String exportId, Instant now, UnaryOperator<ExportProgress> change) {
        return blobs.upsert(
                StatePaths.exportProgress(exportId), ExportProgress.class, ExportProgress.empty(exportId, now), change);
    }
}
