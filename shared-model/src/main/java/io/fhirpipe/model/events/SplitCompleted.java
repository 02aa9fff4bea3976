package io.fhirpipe.model.events;

import java.util.List;

/** A landed file was split completely; the tracker now knows how many chunks to expect from it. */
public record SplitCompleted(
        String exportId,
        String resourceType,
        String sourceBlob,
        String sourceEtag,
        int chunkCount,
        long lineCount,
        long rejectedLines)
        implements EventData {

    @Override
    public List<String> identity() {
        return List.of(exportId, sourceBlob, sourceEtag);
    }

    @Override
    public String subject() {
        return resourceType;
    }
}
