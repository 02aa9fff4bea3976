package io.fhirpipe.ndjsonsplitter.split;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.SplitCompleted;
import java.util.List;

/** What one split announced; {@code superseded} when the blob had changed (a newer event will follow). */
public record SplitReport(boolean superseded, List<ChunkReady> chunks, SplitCompleted completed) {

    public static SplitReport supersededFile() {
        return new SplitReport(true, List.of(), null);
    }

    public SplitReport {
        chunks = List.copyOf(chunks);
    }
}
