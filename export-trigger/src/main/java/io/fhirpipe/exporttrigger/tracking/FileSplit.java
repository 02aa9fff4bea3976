package io.fhirpipe.exporttrigger.tracking;

/** What the splitter reported for one generation (ETag) of one landing file. */
record FileSplit(String resourceType, String etag, int chunkCount, long lineCount, long rejectedLines) {}
