package io.fhirpipe.exporttrigger.api;

import java.util.List;

/** A page of {@code GET /exports}, newest first; {@code next} is the link to the following page, if any. */
record ExportPage(List<ExportSummary> items, int page, int size, int total, String next) {}
