package io.fhirpipe.model.events;

import java.util.List;

/** One bounded chunk of a landed NDJSON file is in the chunks container, ready to load. */
public record ChunkReady(
        String exportId,
        String resourceType,
        String sourceBlob,
        String sourceEtag,
        String chunkBlob,
        int chunkIndex,
        long lineCount,
        long bytes,
        String sha256)
        implements EventData {

    @Override
    public List<String> identity() {
        return List.of(exportId, sourceBlob, sourceEtag, Integer.toString(chunkIndex));
    }

    @Override
    public String subject() {
        return resourceType;
    }
}
