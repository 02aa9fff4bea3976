package io.fhirpipe.synapseloader.lines;

import java.nio.file.Path;
import java.util.List;

/**
 * What the screen found in a chunk of resources.
 *
 * @param loadable the file DuckDB reads: the chunk itself when every line was fine, else a copy
 *                 holding only the good lines
 * @param accepted lines that will be loaded
 * @param sha256 of the chunk's bytes as downloaded
 */
public record ScreenResult(Path loadable, long accepted, List<LineRejection> rejections, String sha256) {

    public ScreenResult {
        rejections = List.copyOf(rejections);
    }
}
