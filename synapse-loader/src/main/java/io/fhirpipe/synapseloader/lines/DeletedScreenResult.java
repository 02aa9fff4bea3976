package io.fhirpipe.synapseloader.lines;

import io.fhirpipe.model.ndjson.LineRejection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chunk of a deleted-resources file holds.
 *
 * @param byType the deletions per resource type, in the order the types first appear: one type for
 *               a file of one type, several for a manifest's {@code Bundle} file
 * @param accepted lines whose every entry was understood
 */
public record DeletedScreenResult(
        Map<String, List<Deletion>> byType, long accepted, List<LineRejection> rejections, String sha256) {

    public DeletedScreenResult {
        Map<String, List<Deletion>> copy = new LinkedHashMap<>();
        byType.forEach((type, deletions) -> copy.put(type, List.copyOf(deletions)));
        byType = Collections.unmodifiableMap(copy);
        rejections = List.copyOf(rejections);
    }

    /** Every deletion, whatever its type. */
    public List<Deletion> deletions() {
        List<Deletion> all = new ArrayList<>();
        byType.values().forEach(all::addAll);
        return all;
    }
}
