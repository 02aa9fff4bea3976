package io.fhirpipe.synapseloader.load;

import java.time.Instant;

/**
 * What loading a chunk did.
 *
 * @param rowsLoaded lines accepted (resources, or deleted-resource Bundles): each was applied or
 *                   found superseded by a version already stored, so rowsLoaded + rowsRejected
 *                   is the chunk's line count
 * @param applied resources that changed the tables (replaced, added or deleted) in this load
 * @param alreadyLoaded the ledger already had the chunk: nothing was touched, the figures are the
 *                      ledger's
 */
public record LoadReport(
        String chunkId, long rowsLoaded, long rowsRejected, long applied, Instant loadedAt, boolean alreadyLoaded) {}
