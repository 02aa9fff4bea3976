package io.fhirpipe.model.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** FHIR {@code instant} values (always with a time zone) as they appear in resources and Bundles. */
public final class FhirInstants {

    private FhirInstants() {}

    /** The first candidate that is a FHIR instant, or null when none is. */
    public static Instant first(JsonNode... candidates) {
        for (JsonNode c : candidates) {
            if (c != null && c.isTextual()) {
                try {
                    return OffsetDateTime.parse(c.asText()).toInstant();
                } catch (DateTimeParseException ignored) {
                    // the next one, or none
                }
            }
        }
        return null;
    }
}
