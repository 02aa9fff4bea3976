package io.fhirpipe.exporttrigger.tracking;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Reconciliation of one resource type (or {@code deleted:Type} for deleted-resource files): what the
 * manifest promised, what landed and was split, and what the loader did with it.
 *
 * @param manifestCount the sum of the manifest's {@code count}s, null when the server gave none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TypeFigures(
        String resourceType,
        int filesExpected,
        int filesSplit,
        Long manifestCount,
        long linesSplit,
        long linesRejected,
        int chunksExpected,
        int chunksLoaded,
        int chunksFailed,
        long rowsLoaded,
        long rowsRejected) {}
