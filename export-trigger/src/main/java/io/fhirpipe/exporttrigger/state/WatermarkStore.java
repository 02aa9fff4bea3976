package io.fhirpipe.exporttrigger.state;

import io.fhirpipe.model.storage.StatePaths;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.Versioned;
import java.time.Instant;
import java.util.Optional;

/**
 * Watermarks in the state container, {@code watermarks/{job}.json}. They only move forward: a late
 * or replayed completion of an older export cannot move a job back and re-export old data as new.
 */
public final class WatermarkStore {

    private final JsonBlobStore blobs;

    public WatermarkStore(JsonBlobStore blobs) {
        this.blobs = blobs;
    }

    public Optional<Watermark> find(String job) {
        return blobs.read(StatePaths.watermark(job), Watermark.class).map(Versioned::value);
    }

    /** @return the watermark after the call (unchanged when {@code transactionTime} is not newer) */
    public Watermark advance(String job, Instant transactionTime, String exportId, Instant now) {
        Watermark proposed = new Watermark(job, transactionTime, exportId, now);
        return blobs.upsert(
                StatePaths.watermark(job),
                Watermark.class,
                proposed,
                current -> current.transactionTime() != null && !transactionTime.isAfter(current.transactionTime())
                        ? current
                        : proposed);
    }
}
