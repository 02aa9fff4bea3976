package io.fhirpipe.exporttrigger.api;

/** The answer to an accepted export request. */
public record ExportRequestView(String exportId, String status, String statusUrl) {
}
