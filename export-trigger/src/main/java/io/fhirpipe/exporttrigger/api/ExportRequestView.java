package io.fhirpipe.exporttrigger.api;

/** The answer to an accepted export request. */
record ExportRequestView(String exportId, String status, String statusUrl) {}
