package io.fhirpipe.synapseloader.lines;

import io.fhirpipe.model.ndjson.LineRejection;
import java.nio.file.Path;
import java.util.List;

/**
 * What the screen found in a chunk of resources.
 *
 * @param loadable the file DuckDB reads: the chunk itself when every line was fine, else a copy
 *                 holding only the good lines
 * @param accepted lines that will be loaded
 * @param sha256 of the chunk's bytes as downloaded
 * @param softDeleted accepted lines that are not live resources but deletions: Azure's FHIR service
 *                    exports a soft-deleted resource (asked for with {@code includeAssociatedData=_deleted})
 *                    as its deleted version, marked in {@code meta.extension}; each is a deletion at
 *                    that version's {@code meta.lastUpdated}
 */
public record ScreenResult(
        Path loadable, long accepted, List<LineRejection> rejections, String sha256, List<Deletion> softDeleted) {

    public ScreenResult {
        rejections = List.copyOf(rejections);
        softDeleted = List.copyOf(softDeleted);
    }
}
