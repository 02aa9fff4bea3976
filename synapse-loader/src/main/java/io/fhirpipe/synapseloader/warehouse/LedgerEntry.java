package io.fhirpipe.synapseloader.warehouse;

import java.time.Instant;

/** A chunk the warehouse has already loaded, with the figures it reported then. */
public record LedgerEntry(String chunkId, long rowsLoaded, long rowsRejected, Instant loadedAt) {}
