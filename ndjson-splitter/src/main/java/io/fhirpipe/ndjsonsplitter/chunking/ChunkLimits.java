package io.fhirpipe.ndjsonsplitter.chunking;

/**
 * How big a chunk may get: at most {@code maxLines} lines and {@code maxBytes} bytes (each line
 * counted with its LF terminator). A single line that cannot fit in {@code maxBytes} is rejected.
 */
public record ChunkLimits(int maxLines, long maxBytes) {

    /** Suits Synapse COPY INTO: 100,000 lines, 64 MiB. */
    public static final ChunkLimits DEFAULT = new ChunkLimits(100_000, 64L * 1024 * 1024);

    public ChunkLimits {
        if (maxLines < 1) {
            throw new IllegalArgumentException("maxLines must be >= 1");
        }
        if (maxBytes < 2 || maxBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxBytes must be between 2 and " + (Integer.MAX_VALUE - 16));
        }
    }
}
