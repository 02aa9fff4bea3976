package io.fhirpipe.runtime.state;

/** What the splitter reported for one generation (ETag) of one landing file. */
public record FileSplit(String resourceType, String etag, int chunkCount, long lineCount, long rejectedLines) {
}
