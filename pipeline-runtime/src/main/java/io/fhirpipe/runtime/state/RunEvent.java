package io.fhirpipe.runtime.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** One line of an export run's history, e.g. a kick-off attempt that was throttled. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunEvent(Instant at, String event, String detail) {}
