package io.fhirpipe.ndjsonsplitter.chunking;

/**
 * A line that cannot be loaded. {@code line} is its text (without terminator), or, for a line
 * larger than the chunk limit, only its first {@link NdjsonChunker#EXCERPT_BYTES} bytes
 * ({@code truncated} is then true).
 *
 * @param lineNumber 1-based physical line number in the (decompressed) source file
 */
public record LineRejection(long lineNumber, String reason, String line, boolean truncated) {
}
