package io.fhirpipe.model.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The FHIR server accepted an export; poll {@code statusUrl}. The same record, with a growing
 * {@code pollAttempt}, is the poll-due message the poller schedules for itself.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportAccepted(
        String exportId, String job, String server, String statusUrl, Instant acceptedAt, int pollAttempt)
        implements EventData {

    @Override
    public List<String> identity() {
        return List.of(exportId, Integer.toString(pollAttempt));
    }

    public ExportAccepted nextPoll() {
        return new ExportAccepted(exportId, job, server, statusUrl, acceptedAt, pollAttempt + 1);
    }
}
