package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * One file of a completed export's manifest is ready to be transferred into landing storage.
 *
 * @param fileIndex position of this file among the files of its kind and type, from 0
 * @param expectedCount the manifest's {@code count}, when the server gave one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileReady(
        String exportId,
        String server,
        FileKind kind,
        String resourceType,
        int fileIndex,
        String url,
        Long expectedCount,
        boolean requiresAccessToken,
        Instant transactionTime) implements EventData {

    @Override
    public List<String> identity() {
        return List.of(exportId, kind.wireName(), resourceType, Integer.toString(fileIndex));
    }

    @Override
    public String subject() {
        return resourceType;
    }
}
