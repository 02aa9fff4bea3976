package io.fhirpipe.ndjsonsplitter.split;

import io.fhirpipe.ndjsonsplitter.chunking.ChunkLimits;

/**
 * @param blockSize   block size of chunk uploads and source downloads
 * @param concurrency blocks of one chunk uploaded in parallel
 */
public record SplitSettings(ChunkLimits limits, long blockSize, int concurrency) {

    public static SplitSettings defaults(ChunkLimits limits) {
        return new SplitSettings(limits, 4L * 1024 * 1024, 2);
    }
}
