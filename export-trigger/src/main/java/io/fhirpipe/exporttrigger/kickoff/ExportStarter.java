package io.fhirpipe.exporttrigger.kickoff;

import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.RunError;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Starts an export run: records it (only if no run has that id) and publishes
 * {@code export.requested}. The REST API and the schedules both start exports this way.
 */
public final class ExportStarter {

    private static final Logger LOG = Logger.getLogger(ExportStarter.class);

    public enum Outcome {
        STARTED,
        /** A run with this id exists: a repeat, or another replica was first. Nothing was published. */
        ALREADY_EXISTS,
        /** The broker did not take the request; the run is recorded as failed so it is not left hanging. */
        BROKER_UNAVAILABLE
    }

    private final ExportRunStore runs;
    private final CloudEventPublisher requested;
    private final Clock clock;

    public ExportStarter(ExportRunStore runs, CloudEventPublisher requested, Clock clock) {
        this.runs = runs;
        this.requested = requested;
        this.clock = clock;
    }

    public Outcome start(ExportRequested request, Instant now) {
        if (!runs.create(ExportRun.requested(request, now))) {
            return Outcome.ALREADY_EXISTS;
        }
        try {
            requested.publishAndWait(CloudEvent.of(MessageType.EXPORT_REQUESTED, ExportKickoff.SOURCE, request, now));
            return Outcome.STARTED;
        } catch (RuntimeException e) {
            LOG.errorf(
                    "could not publish export.requested for %s: %s",
                    LogValues.quoted(request.exportId()), LogValues.escaped(e));
            runs.update(
                    request.exportId(),
                    r -> r.withFailed(
                            new RunError(
                                    "request", "the message broker did not accept the request: " + e, null, List.of()),
                            clock.instant()));
            return Outcome.BROKER_UNAVAILABLE;
        }
    }
}
