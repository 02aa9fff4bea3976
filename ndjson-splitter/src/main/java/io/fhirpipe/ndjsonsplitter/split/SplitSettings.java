package io.fhirpipe.ndjsonsplitter.split;

import io.fhirpipe.ndjsonsplitter.chunking.ChunkLimits;

import java.time.Duration;

/**
 * @param blockSize   block size of chunk uploads and source downloads
 * @param concurrency blocks of one chunk uploaded in parallel
 * @param publishTimeout how long to wait for the broker to accept the announcements
 */
public record SplitSettings(ChunkLimits limits, long blockSize, int concurrency, Duration publishTimeout) {

    public static SplitSettings defaults(ChunkLimits limits) {
        return new SplitSettings(limits, 4L * 1024 * 1024, 2, Duration.ofSeconds(60));
    }
}
