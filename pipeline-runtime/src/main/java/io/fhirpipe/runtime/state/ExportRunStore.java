package io.fhirpipe.runtime.state;

import io.fhirpipe.model.storage.StatePaths;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Export run records in the state container: {@code exports/{exportId}.json}. {@link #create} and
 * {@link #update} belong to the export-trigger, the run's only writer; other services only {@link #find}.
 */
public final class ExportRunStore {

    private final JsonBlobStore blobs;

    public ExportRunStore(JsonBlobStore blobs) {
        this.blobs = blobs;
    }

    public Optional<ExportRun> find(String exportId) {
        return blobs.read(StatePaths.exportRun(exportId), ExportRun.class).map(Versioned::value);
    }

    /** Records a new run; false when a run with this id exists already (a replay, or another replica). */
    public boolean create(ExportRun run) {
        boolean created = blobs.createIfAbsent(StatePaths.exportRun(run.exportId()), run);
        if (created) {
            PipelineMetrics.exportTransition(String.valueOf(run.status()));
        }
        return created;
    }

    /**
     * Every run record. Reads each document, so it suits the status API of one deployment (hundreds or
     * thousands of runs), not an archive of millions.
     */
    public java.util.List<ExportRun> all() {
        java.util.List<ExportRun> all = new java.util.ArrayList<>();
        for (String name : blobs.names(StatePaths.exportRunPrefix())) {
            blobs.read(name, ExportRun.class).map(Versioned::value).ifPresent(all::add);
        }
        return all;
    }

    /** Counts a change of status ({@link PipelineMetrics#EXPORT_TRANSITIONS}) once it is stored. */
    public ExportRun update(String exportId, UnaryOperator<ExportRun> change) {
        // the change may be applied more than once (optimistic concurrency): the stored one counts
        java.util.concurrent.atomic.AtomicReference<ExportRunStatus> before =
                new java.util.concurrent.atomic.AtomicReference<>();
        ExportRun after = blobs.update(StatePaths.exportRun(exportId), ExportRun.class, run -> {
            before.set(run.status());
            return change.apply(run);
        });
        if (after != null && after.status() != before.get()) {
            PipelineMetrics.exportTransition(String.valueOf(after.status()));
        }
        return after;
    }
}
