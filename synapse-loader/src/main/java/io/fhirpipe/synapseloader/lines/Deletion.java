package io.fhirpipe.synapseloader.lines;

import java.time.Instant;

/** One deleted resource from a manifest's {@code deleted[]} file, and when it was deleted. */
public record Deletion(String id, Instant deletedAt) {}
