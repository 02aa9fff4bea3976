package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A file of an export can never be landed or split; its message was dead-lettered with this reason,
 * so the tracker stops waiting for its chunks and reports the export failed.
 *
 * @param landingBlob the file's name in the landing container ({@code {exportId}/[deleted/]{Type}-{n}.ndjson}),
 *                    as the tracker expects it
 * @param stage       {@link #TRANSFER} or {@link #SPLIT}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileFailed(
        String exportId,
        FileKind kind,
        String resourceType,
        String landingBlob,
        String stage,
        String reason,
        Instant failedAt)
        implements EventData {

    public static final String TRANSFER = "transfer";
    public static final String SPLIT = "split";

    @Override
    public List<String> identity() {
        return List.of(exportId, landingBlob, stage);
    }

    @Override
    public String subject() {
        return resourceType;
    }
}
