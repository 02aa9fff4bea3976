package io.fhirpipe.model.ndjson;

/**
 * A line that cannot be loaded, as the splitter and the loader write it to {@code rejected/}.
 *
 * @param lineNumber 1-based physical line number in what was being read: the (decompressed) source
 *                   file in the splitter, the chunk in the loader
 * @param line       the line's text (without terminator), or only its first bytes when it was too
 *                   long to keep ({@code truncated} is then true)
 */
public record LineRejection(long lineNumber, String reason, String line, boolean truncated) {}
