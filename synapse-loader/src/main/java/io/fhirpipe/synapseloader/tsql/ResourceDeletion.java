package io.fhirpipe.synapseloader.tsql;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One entry of a Bulk Data {@code deleted[]} file: the id of a deleted resource and when it was
 * deleted (the caller resolves the time, as for DuckDB). Ids follow FHIR's id rule.
 */
record ResourceDeletion(String id, Instant deletedAt) {

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    public ResourceDeletion {
        if (id == null || !FHIR_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a FHIR id");
        }
        if (deletedAt == null) {
            throw new IllegalArgumentException("deletion time is missing");
        }
    }
}
