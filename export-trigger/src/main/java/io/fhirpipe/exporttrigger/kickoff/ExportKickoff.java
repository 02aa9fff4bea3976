package io.fhirpipe.exporttrigger.kickoff;

import io.fhirpipe.exporttrigger.fhir.KickoffRequestFactory;
import io.fhirpipe.exporttrigger.state.KickoffClaim;
import io.fhirpipe.exporttrigger.state.KickoffClaimStore;
import io.fhirpipe.fhirclient.bulkdata.BulkDataClient;
import io.fhirpipe.fhirclient.bulkdata.FhirServer;
import io.fhirpipe.fhirclient.bulkdata.FhirServers;
import io.fhirpipe.fhirclient.bulkdata.KickoffResult;
import io.fhirpipe.model.events.ExportAccepted;
import io.fhirpipe.model.events.ExportFailed;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.RunError;
import io.fhirpipe.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Handles one {@code export.requested}: records the run, kicks off {@code $export}, and publishes
 * what happened. One export per export id, whatever arrives twice: copies of a request handled at the
 * same time (several consumers or replicas, a message posted twice) race for a {@link KickoffClaim}
 * of the attempt in storage, and only the winner calls the server; a copy that loses schedules itself
 * to look again when the winner's claim would expire (so a winner that died mid-call is taken over),
 * and a copy that arrives after the server accepted re-announces the export only if that
 * announcement may have been lost. A finished or failed export is never started again.
 */
final class ExportKickoff {

    private static final Logger LOG = Logger.getLogger(ExportKickoff.class);
    public static final String SOURCE = "/fhirpipe/export-trigger";
    /** Beyond the server's request timeout: connecting (10 s at most) and recording the outcome. */
    private static final Duration CLAIM_MARGIN = Duration.ofSeconds(45);

    private final FhirServers servers;
    private final ExportRunStore runs;
    private final KickoffClaimStore claims;
    private final CloudEventPublisher requested;
    private final CloudEventPublisher accepted;
    private final CloudEventPublisher failed;
    private final RetryBackoff backoff;
    private final int maxAttempts;
    private final Clock clock;

    public ExportKickoff(
            FhirServers servers,
            ExportRunStore runs,
            KickoffClaimStore claims,
            CloudEventPublisher requested,
            CloudEventPublisher accepted,
            CloudEventPublisher failed,
            RetryBackoff backoff,
            int maxAttempts,
            Clock clock) {
        this.servers = servers;
        this.runs = runs;
        this.claims = claims;
        this.requested = requested;
        this.accepted = accepted;
        this.failed = failed;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    public void handle(ExportRequested request) {
        BulkDataClient server = servers.find(request.server())
                .orElseThrow(() -> new PermanentFailure(
                        "UnknownServer",
                        "FHIR server " + LogValues.quoted(request.server()) + " is not configured (configured: "
                                + String.join(", ", servers.names()) + ")"));
        ExportRun run = findOrCreate(request);
        if (run.status() == ExportRunStatus.REQUESTED) {
            attempt(server, run);
        } else {
            repeated(run);
        }
    }

    /** The request of a run past its kick-off: announce it again if that may have been lost, else nothing. */
    private void repeated(ExportRun run) {
        switch (run.status()) {
            case REQUESTED -> throw new IllegalStateException("a requested run is kicked off, not repeated");
            case ACCEPTED -> {
                if (claims.find(run.exportId()).map(KickoffClaim::announced).orElse(false)) {
                    LOG.infof(
                            "export %s is accepted and announced; the repeated request changes nothing",
                            run.exportId());
                } else {
                    LOG.infof("export %s was already accepted; announcing it again", run.exportId());
                    announce(run);
                }
            }
            case EXPORTED, LOADED, FAILED, CANCELLED ->
                LOG.infof("export %s is %s; the repeated request changes nothing", run.exportId(), run.status());
        }
    }

    private ExportRun findOrCreate(ExportRequested request) {
        return runs.find(request.exportId()).orElseGet(() -> {
            runs.create(ExportRun.requested(request, clock.instant()));
            return runs.find(request.exportId())
                    .orElseThrow(() -> new TransientFailure(
                            "export run " + request.exportId() + " vanished right after it was created", null));
        });
    }

    /** Claims the next kick-off attempt; only the winner calls the server. */
    private void attempt(BulkDataClient server, ExportRun run) {
        int attempt = run.kickoffAttempts() + 1;
        Instant now = clock.instant();
        Duration lease = server.server().requestTimeout().plus(CLAIM_MARGIN);
        KickoffClaimStore.Result claim =
                claims.claim(run.exportId(), attempt, UUID.randomUUID().toString(), now, lease);
        if (claim instanceof KickoffClaimStore.Result.Busy busy) {
            lookAgainAt(run, attempt, busy.claim().busyUntil());
            return;
        }
        // The claim was won against the run as read before it: it must still be this attempt's turn.
        ExportRun current = runs.find(run.exportId()).orElseThrow();
        if (current.status() != ExportRunStatus.REQUESTED) {
            repeated(current);
        } else if (current.kickoffAttempts() != run.kickoffAttempts()) {
            lookAgainAt(current, attempt, now);
        } else {
            kickOff(server, current);
        }
    }

    /**
     * Another handler holds this attempt, or the attempt waits for its retry time: a copy of the
     * request comes back then. Nothing is lost if the holder died, and nothing is kicked off twice.
     */
    private void lookAgainAt(ExportRun run, int attempt, Instant at) {
        Instant now = clock.instant();
        Instant when = at == null || at.isBefore(now) ? now.plusSeconds(1) : at.plusSeconds(1);
        LOG.infof(
                "export %s: kick-off attempt %d is claimed by another handler or waits to retry; "
                        + "looking again at %s",
                run.exportId(), attempt, when);
        requested.await(
                requested.publishAt(
                        CloudEvent.of(MessageType.EXPORT_REQUESTED, SOURCE, run.request(), now),
                        when,
                        "kickoff-check-" + attempt + "-" + when.toEpochMilli()),
                "export.requested");
    }

    private void kickOff(BulkDataClient client, ExportRun run) {
        FhirServer server = client.server();
        PipelineMetrics.StageTimer timer = PipelineMetrics.time("kickoff");
        KickoffResult result = Tracing.inSpan("FHIR $export kick-off", SpanKind.CLIENT, span -> {
            span.setAttribute(Tracing.FHIR_SERVER, server.name());
            span.setAttribute(Tracing.EXPORT_ID, run.exportId());
            return client.kickOff(KickoffRequestFactory.create(server, run.request()));
        });
        timer.stop(result.getClass().getSimpleName().toLowerCase(Locale.ROOT));
        Instant now = clock.instant();
        if (result instanceof KickoffResult.Accepted a) {
            ExportRun updated = runs.update(run.exportId(), r -> r.withAccepted(a.statusUrl(), now));
            LOG.infof(
                    "export %s accepted by %s after %d attempt(s)",
                    run.exportId(), server.name(), updated.kickoffAttempts());
            announce(updated);
        } else if (result instanceof KickoffResult.Retry r) {
            int attempt = run.kickoffAttempts() + 1;
            if (attempt >= maxAttempts) {
                fail(
                        run,
                        new RunError(
                                "kickoff",
                                "gave up after " + attempt + " attempts; last: " + r.reason(),
                                r.httpStatus().orElse(null),
                                List.of()),
                        now);
                return;
            }
            Duration delay = backoff.delay(attempt, r.retryAfter());
            // The claim first: a copy of the request that reads the run's new attempt count finds it waiting.
            claims.retryAt(run.exportId(), now.plus(delay), now);
            runs.update(run.exportId(), x -> x.withKickoffRetry(now, r.reason() + "; retrying in " + delay));
            LOG.warnf(
                    "export %s kick-off attempt %d: %s; retrying in %s",
                    run.exportId(), attempt, LogValues.escaped(r.reason()), delay);
            requested.await(
                    requested.publishAt(
                            CloudEvent.of(MessageType.EXPORT_REQUESTED, SOURCE, run.request(), now),
                            now.plus(delay),
                            "kickoff-retry-" + attempt),
                    "export.requested");
        } else if (result instanceof KickoffResult.Rejected r) {
            fail(run, new RunError("kickoff", r.reason(), r.httpStatus(), r.diagnostics()), now);
        }
    }

    /** export.accepted for the poller; once the broker has it, repeated requests need not send it again. */
    private void announce(ExportRun run) {
        accepted.publishAndWait(acceptedEvent(run));
        if (claims.find(run.exportId()).isPresent()) {
            claims.announced(run.exportId());
        }
    }

    private void fail(ExportRun run, RunError error, Instant now) {
        runs.update(run.exportId(), r -> r.withFailed(error, now));
        LOG.errorf(
                "export %s failed at %s: %s %s",
                run.exportId(),
                error.stage(),
                LogValues.escaped(error.reason()),
                LogValues.escaped(error.diagnostics()));
        failed.publishAndWait(CloudEvent.of(
                MessageType.EXPORT_FAILED,
                SOURCE,
                new ExportFailed(
                        run.exportId(),
                        run.job(),
                        error.stage(),
                        error.reason(),
                        error.httpStatus(),
                        error.diagnostics(),
                        now),
                now));
    }

    private CloudEvent<ExportAccepted> acceptedEvent(ExportRun run) {
        return CloudEvent.of(
                MessageType.EXPORT_ACCEPTED,
                SOURCE,
                new ExportAccepted(run.exportId(), run.job(), run.server(), run.statusUrl(), run.updatedAt(), 0),
                clock.instant());
    }
}
