package io.fhirpipe.synapseloader.chunk;

import java.nio.file.Path;

/** Where a chunk's bytes come from: blob storage in the service, local files in the benchmark. */
public interface ChunkSource {

    /** The chunk as a local file; {@code workDirectory} is where a copy may be made. */
    LocalChunk fetch(ChunkRef chunk, Path workDirectory);

    /** @param temporary whether the loader deletes the file when done */
    record LocalChunk(Path file, boolean temporary) {}
}
