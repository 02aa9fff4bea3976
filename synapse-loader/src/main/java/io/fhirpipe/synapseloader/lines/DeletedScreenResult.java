package io.fhirpipe.synapseloader.lines;

import java.util.List;

/**
 * What a chunk of a deleted-resources file holds.
 *
 * @param accepted lines whose every entry was understood
 */
public record DeletedScreenResult(List<Deletion> deletions, long accepted, List<LineRejection> rejections,
        String sha256) {

    public DeletedScreenResult {
        deletions = List.copyOf(deletions);
        rejections = List.copyOf(rejections);
    }
}
