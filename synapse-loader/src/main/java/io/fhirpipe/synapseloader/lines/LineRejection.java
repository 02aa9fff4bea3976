package io.fhirpipe.synapseloader.lines;

/**
 * A line of a chunk that cannot be loaded.
 *
 * @param lineNumber 1-based line number in the chunk
 * @param line the line, or its first {@link NdjsonLines#EXCERPT_BYTES} bytes ({@code truncated})
 */
public record LineRejection(long lineNumber, String reason, String line, boolean truncated) {
}
