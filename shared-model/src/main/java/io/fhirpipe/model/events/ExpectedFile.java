package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A file an export's manifest announced, with the manifest's count when it gave one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExpectedFile(FileKind kind, String resourceType, int fileIndex, Long count) {}
