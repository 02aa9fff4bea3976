package io.fhirpipe.runtime.state;

import io.fhirpipe.model.storage.StatePaths;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The poller's poll-loop documents, {@code polls/{exportId}.json}: the poller writes, the status API reads. */
public final class PollStateStore {

    private final JsonBlobStore blobs;

    public PollStateStore(JsonBlobStore blobs) {
        this.blobs = blobs;
    }

    public Optional<PollState> find(String exportId) {
        return blobs.read(name(exportId), PollState.class).map(Versioned::value);
    }

    public PollState apply(String exportId, UnaryOperator<PollState> change) {
        return blobs.upsert(name(exportId), PollState.class, PollState.initial(exportId), change);
    }

    private static String name(String exportId) {
        return StatePaths.pollState(exportId);
    }
}
