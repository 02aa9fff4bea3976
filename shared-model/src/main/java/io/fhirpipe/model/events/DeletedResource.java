package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A resource the FHIR server deleted, learned from somewhere other than a {@code deleted[]} file
 * (the server's {@code _history}), and when it was deleted where the server says.
 *
 * @param deletedAt the time of the delete, or null when the server gave none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeletedResource(String id, Instant deletedAt) {}
