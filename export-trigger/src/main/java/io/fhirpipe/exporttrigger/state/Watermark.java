package io.fhirpipe.exporttrigger.state;

import java.time.Instant;

/** A scheduled job's incremental position: the transactionTime of its last fully loaded export. */
public record Watermark(String job, Instant transactionTime, String exportId, Instant updatedAt) {}
