package io.fhirpipe.fhirclient.bulkdata;

import io.fhirpipe.model.events.FileKind;

/**
 * One file a manifest announces.
 *
 * @param fileIndex position among the manifest's files of the same kind and type, from 0, across pages
 * @param count the manifest's {@code count}, when the server gave one (HAPI does not)
 */
public record ManifestFile(FileKind kind, String resourceType, int fileIndex, String url, Long count) {}
