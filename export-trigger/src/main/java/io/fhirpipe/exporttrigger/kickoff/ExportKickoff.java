package io.fhirpipe.exporttrigger.kickoff;

import io.fhirpipe.exporttrigger.fhir.BulkDataKickoffClient;
import io.fhirpipe.exporttrigger.fhir.FhirServer;
import io.fhirpipe.exporttrigger.fhir.FhirServers;
import io.fhirpipe.exporttrigger.fhir.KickoffResult;
import io.fhirpipe.model.events.ExportAccepted;
import io.fhirpipe.model.events.ExportFailed;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.messaging.BrokerConfirmation;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.RunError;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Handles one {@code export.requested}: records the run, kicks off {@code $export}, and publishes
 * what happened. Safe to run again for the same request: a run that is already accepted re-announces
 * itself instead of starting a second export, and a failed one stays failed.
 */
public final class ExportKickoff {

    private static final Logger LOG = Logger.getLogger(ExportKickoff.class);
    public static final String SOURCE = "/fhirpipe/export-trigger";
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final FhirServers servers;
    private final BulkDataKickoffClient client;
    private final ExportRunStore runs;
    private final CloudEventPublisher requested;
    private final CloudEventPublisher accepted;
    private final CloudEventPublisher failed;
    private final RetryBackoff backoff;
    private final int maxAttempts;
    private final Clock clock;

    public ExportKickoff(FhirServers servers, BulkDataKickoffClient client, ExportRunStore runs,
            CloudEventPublisher requested, CloudEventPublisher accepted, CloudEventPublisher failed,
            RetryBackoff backoff, int maxAttempts, Clock clock) {
        this.servers = servers;
        this.client = client;
        this.runs = runs;
        this.requested = requested;
        this.accepted = accepted;
        this.failed = failed;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    public void handle(ExportRequested request) {
        FhirServer server = servers.find(request.server()).orElseThrow(() -> new PermanentFailure("UnknownServer",
                "FHIR server '" + request.server() + "' is not configured (configured: "
                        + String.join(", ", servers.names()) + ")"));
        ExportRun run = findOrCreate(request);
        switch (run.status()) {
            case REQUESTED -> kickOff(server, run);
            case ACCEPTED, EXPORTED, LOADED -> {
                LOG.infof("export %s was already accepted; announcing it again", run.exportId());
                await(accepted.publish(acceptedEvent(run)));
            }
            case FAILED, CANCELLED -> LOG.infof("export %s is %s; ignoring the repeated request", run.exportId(),
                    run.status());
        }
    }

    private ExportRun findOrCreate(ExportRequested request) {
        return runs.find(request.exportId()).orElseGet(() -> {
            runs.create(ExportRun.requested(request, clock.instant()));
            return runs.find(request.exportId()).orElseThrow(() -> new TransientFailure(
                    "export run " + request.exportId() + " vanished right after it was created", null));
        });
    }

    private void kickOff(FhirServer server, ExportRun run) {
        KickoffResult result = client.kickOff(server, run.request());
        Instant now = clock.instant();
        if (result instanceof KickoffResult.Accepted a) {
            ExportRun updated = runs.update(run.exportId(), r -> r.withAccepted(a.statusUrl(), now));
            LOG.infof("export %s accepted by %s after %d attempt(s)", run.exportId(), server.name(),
                    updated.kickoffAttempts());
            await(accepted.publish(acceptedEvent(updated)));
        } else if (result instanceof KickoffResult.Retry r) {
            int attempt = run.kickoffAttempts() + 1;
            if (attempt >= maxAttempts) {
                fail(run, new RunError("kickoff", "gave up after " + attempt + " attempts; last: " + r.reason(),
                        r.httpStatus().orElse(null), List.of()), now);
                return;
            }
            Duration delay = backoff.delay(attempt, r.retryAfter());
            runs.update(run.exportId(), x -> x.withKickoffRetry(now, r.reason() + "; retrying in " + delay));
            LOG.warnf("export %s kick-off attempt %d: %s; retrying in %s", run.exportId(), attempt, r.reason(), delay);
            await(requested.publishAt(CloudEvent.of(MessageType.EXPORT_REQUESTED, SOURCE, run.request(), now),
                    now.plus(delay), "kickoff-retry-" + attempt));
        } else if (result instanceof KickoffResult.Rejected r) {
            fail(run, new RunError("kickoff", r.reason(), r.httpStatus(), r.diagnostics()), now);
        }
    }

    private void fail(ExportRun run, RunError error, Instant now) {
        runs.update(run.exportId(), r -> r.withFailed(error, now));
        LOG.errorf("export %s failed at %s: %s %s", run.exportId(), error.stage(), error.reason(),
                error.diagnostics());
        await(failed.publish(CloudEvent.of(MessageType.EXPORT_FAILED, SOURCE, new ExportFailed(run.exportId(),
                run.job(), error.stage(), error.reason(), error.httpStatus(), error.diagnostics(), now), now)));
    }

    private CloudEvent<ExportAccepted> acceptedEvent(ExportRun run) {
        return CloudEvent.of(MessageType.EXPORT_ACCEPTED, SOURCE, new ExportAccepted(run.exportId(), run.job(),
                run.server(), run.statusUrl(), run.updatedAt(), 0), clock.instant());
    }

    /** Waits for the broker to take a message: the input is only acknowledged once its output is safe. */
    static void await(CompletionStage<Void> publication) {
        BrokerConfirmation.await(publication, PUBLISH_TIMEOUT, "an export event");
    }
}
