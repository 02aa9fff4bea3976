package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One file of a completed export's manifest is ready to be transferred into landing storage.
 *
 * @param fileIndex position of this file among the files of its kind and type, from 0
 * @param expectedCount the manifest's {@code count}, when the server gave one
 * @param deletions for a deleted file fhirpipe made from the server's {@code _history} (the manifest
 *        listed none): the deleted resources themselves, at most {@link #MAX_DELETIONS}; {@code url}
 *        is then the history query they came from, and nothing is downloaded
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
        Instant transactionTime,
        List<DeletedResource> deletions)
        implements EventData {

    /** Keeps a file-ready message well under a Service Bus message's 256 KB. */
    public static final int MAX_DELETIONS = 1000;

    public FileReady {
        deletions = deletions == null ? null : List.copyOf(deletions);
    }

    /** A file of the manifest, to be downloaded from {@code url}. */
    public FileReady(
            String exportId,
            String server,
            FileKind kind,
            String resourceType,
            int fileIndex,
            String url,
            Long expectedCount,
            boolean requiresAccessToken,
            Instant transactionTime) {
        this(
                exportId,
                server,
                kind,
                resourceType,
                fileIndex,
                url,
                expectedCount,
                requiresAccessToken,
                transactionTime,
                null);
    }

    @Override
    public List<String> identity() {
        return List.of(exportId, kind.wireName(), resourceType, Integer.toString(fileIndex));
    }

    @Override
    public String subject() {
        return resourceType;
    }
}
