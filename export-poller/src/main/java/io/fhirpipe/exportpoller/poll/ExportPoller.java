package io.fhirpipe.exportpoller.poll;

import com.azure.storage.blob.BlobServiceClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.exportpoller.config.PollerConfig;
import io.fhirpipe.exportpoller.manifest.ExportManifest;
import io.fhirpipe.exportpoller.manifest.InvalidManifestException;
import io.fhirpipe.exportpoller.manifest.ManifestFile;
import io.fhirpipe.exportpoller.manifest.ManifestParser;
import io.fhirpipe.exportpoller.messaging.PollerChannels;
import io.fhirpipe.exportpoller.state.PollState;
import io.fhirpipe.fhirclient.config.DeleteDetection;
import io.fhirpipe.model.events.DeletedResource;
import io.fhirpipe.model.events.ExpectedFile;
import io.fhirpipe.model.events.ExportAccepted;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.ExportFailed;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.FileReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.messaging.BrokerConfirmation;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.RunError;
import io.fhirpipe.runtime.state.RunEvent;
import io.fhirpipe.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Handles one {@code export.accepted} / {@code export.poll-due}: one GET of the status URL, then
 * either a delayed poll-due message (202, throttling, transient errors), the manifest's file-ready
 * events and export.completed (200), or export.failed. It never sleeps: waiting is the broker's job.
 */
@ApplicationScoped
public class ExportPoller {

    static final String SOURCE = "/fhirpipe/export-poller";
    private static final Logger LOG = Logger.getLogger(ExportPoller.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_MANIFEST_PAGES = 1000;
    private static final int MAX_HISTORY = 200;
    /** FHIR issue-type codes that mean "try again later". */
    static final Set<String> TRANSIENT_ISSUE_CODES = Set.of("transient", "lock-error", "no-store", "exception",
            "timeout", "incomplete", "throttled");

    @Inject
    PolledServers servers;

    @Inject
    PollerConfig config;

    @Inject
    ExportRunStore runs;

    @Inject
    BlobServiceClient blobs;

    @Inject
    @Named(PollerChannels.POLL_DUE_OUT)
    CloudEventPublisher pollDue;

    @Inject
    @Named(PollerChannels.FILE_READY_OUT)
    CloudEventPublisher fileReady;

    @Inject
    @Named(PollerChannels.COMPLETED_OUT)
    CloudEventPublisher completed;

    @Inject
    @Named(PollerChannels.FAILED_OUT)
    CloudEventPublisher failed;

    Clock clock = Clock.systemUTC();

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private JsonBlobStore pollStates;

    public void handle(ExportAccepted poll) {
        PolledServer server = servers.find(poll.server()).orElseThrow(() -> new PermanentFailure("UnknownServer",
                "no FHIR server named " + LogValues.quoted(poll.server()) + " is configured"));
        Instant now = clock.instant();
        URI statusUrl;
        try {
            statusUrl = server.checked(poll.statusUrl());
        } catch (ForeignUrlException e) {
            // never fetched: the export fails with the reason, and the message is dead-lettered with it
            String reason = "status URL is not on server " + server.name() + " (" + server.baseUrl()
                    + "); refused, nothing was sent to it: " + e.getMessage();
            fail(poll, now, "poll", reason, null, List.of());
            throw new PermanentFailure("ForeignStatusUrl", reason);
        }
        Optional<ExportRun> run = runs.find(poll.exportId());
        if (run.isPresent() && run.get().status() == ExportRunStatus.FAILED) {
            LOG.infof("export %s already failed; poll %d dropped", poll.exportId(), poll.pollAttempt());
            return;
        }
        if (poll.acceptedAt() != null && now.isAfter(poll.acceptedAt().plus(config.poll().deadline()))) {
            deadlinePassed(server, statusUrl, poll, now);
            return;
        }
        HttpResponse<String> response;
        try {
            response = get(server, statusUrl);
        } catch (IOException e) {
            PipelineMetrics.fhirUnanswered(server.name(), "poll", e);
            retryLater(poll, now, Optional.empty(), "cannot reach " + server.name() + ": " + describe(e));
            return;
        }
        int status = response.statusCode();
        PipelineMetrics.fhirResponse(server.name(), "poll", Integer.toString(status));
        Optional<String> retryAfter = response.headers().firstValue("Retry-After");
        if (status == 202) {
            String progress = response.headers().firstValue("X-Progress").map(LogValues::escaped).orElse(null);
            recordPoll(poll, now, progress);
            scheduleNext(poll, now, FailureClassifier.parseRetryAfter(retryAfter.orElse(null), now));
            return;
        }
        if (status == 200) {
            complete(server, poll, response.body(), now);
            return;
        }
        List<Issue> issues = issues(response.body());
        if (run.isPresent() && (run.get().status() == ExportRunStatus.EXPORTED
                || run.get().status() == ExportRunStatus.LOADED)) {
            // A late redelivery of a poll whose export already completed (the server may have expired the job).
            LOG.infof("export %s already completed; poll %d answered %d and is dropped", poll.exportId(),
                    poll.pollAttempt(), status);
            return;
        }
        if (status == 404) {
            boolean cancelled = run.map(r -> r.status() == ExportRunStatus.CANCELLED).orElse(false);
            fail(poll, now, cancelled ? "cancelled" : "poll", cancelled ? "the export was cancelled"
                    : "the status URL answered 404 (unknown or expired job)", status, diagnostics(issues));
            return;
        }
        boolean transientOutcome = !issues.isEmpty() && issues.stream().allMatch(i -> TRANSIENT_ISSUE_CODES.contains(i.code));
        if (status == 429 || (status >= 500 && issues.isEmpty()) || transientOutcome) {
            retryLater(poll, now, FailureClassifier.parseRetryAfter(retryAfter.orElse(null), now),
                    "the status URL answered " + status + detail(issues));
            return;
        }
        fail(poll, now, "poll", "the export job failed: the status URL answered " + status + detail(issues), status,
                diagnostics(issues));
    }

    /** @param url as {@link PolledServer#checked} returned it: the only URLs this sends the token to */
    private HttpResponse<String> get(PolledServer server, URI url) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(server.requestTimeout())
                .header("Accept", "application/json")
                .GET();
        server.tokens().bearerToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return Tracing.inSpan("GET bulk export status", SpanKind.CLIENT, span -> {
            span.setAttribute(Tracing.FHIR_SERVER, server.name());
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                span.setAttribute(Tracing.HTTP_STATUS, (long) response.statusCode());
                return response;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientFailure("interrupted while polling", null, e);
            }
        });
    }

    private void complete(PolledServer server, ExportAccepted poll, String firstPage, Instant now) {
        List<ManifestFile> files = new ArrayList<>();
        Map<String, Integer> indexes = new HashMap<>();
        ExportManifest page;
        try {
            page = ManifestParser.parse(firstPage, indexes);
            files.addAll(page.files());
            int pages = 1;
            while (page.nextPage().isPresent()) {
                URI next;
                try {
                    next = server.checked(page.nextPage().get());
                } catch (ForeignUrlException e) {
                    throw new InvalidManifestException("link[next] is not on server " + server.name()
                            + "; refused, nothing was sent to it: " + e.getMessage());
                }
                if (++pages > MAX_MANIFEST_PAGES) {
                    throw new InvalidManifestException("the manifest has more than " + MAX_MANIFEST_PAGES + " pages");
                }
                HttpResponse<String> response;
                try {
                    response = get(server, next);
                } catch (IOException e) {
                    retryLater(poll, now, Optional.empty(), "cannot read manifest page " + LogValues.quoted(next) + ": "
                            + describe(e));
                    return;
                }
                if (response.statusCode() != 200) {
                    if (response.statusCode() == 429 || response.statusCode() >= 500) {
                        retryLater(poll, now, Optional.empty(), "manifest page answered " + response.statusCode());
                        return;
                    }
                    throw new InvalidManifestException("manifest page " + LogValues.quoted(next) + " answered "
                            + response.statusCode());
                }
                ExportManifest nextPage = ManifestParser.parse(response.body(), indexes);
                files.addAll(nextPage.files());
                page = new ExportManifest(page.transactionTime(), page.request(),
                        page.requiresAccessToken() || nextPage.requiresAccessToken(), List.of(), nextPage.nextPage(),
                        page.message());
            }
        } catch (InvalidManifestException e) {
            fail(poll, now, "poll", "the manifest is invalid: " + e.getMessage(), 200, List.of());
            return;
        }
        List<FileReady> ready = new ArrayList<>();
        for (ManifestFile file : files) {
            ready.add(new FileReady(poll.exportId(), poll.server(), file.kind(), file.resourceType(),
                    file.fileIndex(), file.url(), file.count(), page.requiresAccessToken(), page.transactionTime()));
        }
        Optional<Deletes> deletes = deletes(server, poll, page, files, indexes, now);
        if (deletes.isEmpty()) {
            return;
        }
        ready.addAll(deletes.get().files());
        for (FileReady file : ready) {
            await(fileReady.publish(CloudEvent.of(MessageType.EXPORT_FILE_READY, SOURCE, file, now)));
        }
        appendHistory(poll.exportId(), now, "deletes", deletes.get().note());
        List<ExpectedFile> expected = ready.stream().map(f -> new ExpectedFile(f.kind(), f.resourceType(),
                f.fileIndex(), f.expectedCount())).toList();
        await(completed.publish(CloudEvent.of(MessageType.EXPORT_COMPLETED, SOURCE,
                new ExportCompleted(poll.exportId(), poll.job(), page.transactionTime(), expected, now), now)));
        int errors = (int) files.stream().filter(f -> f.kind() == FileKind.ERROR).count();
        pollState(poll.exportId(), s -> s.polled(now, null).ended("completed", ready.size(), errors));
        updateRun(poll.exportId(), r -> r.status() == ExportRunStatus.ACCEPTED ? ExportRunStatus.EXPORTED : r.status(),
                now, "manifest", files.size() + " files (" + errors + " error files), transactionTime "
                        + page.transactionTime());
    }

    /** Deleted files the manifest did not list, and what the run says about how deletes were learned. */
    private record Deletes(List<FileReady> files, String note) {
    }

    /**
     * How the server's deletes since the export's {@code _since} are learned, per its {@code deletes}
     * setting; empty when reading them has to wait (the poll is scheduled again) or failed the export.
     */
    private Optional<Deletes> deletes(PolledServer server, ExportAccepted poll, ExportManifest page,
            List<ManifestFile> files, Map<String, Integer> indexes, Instant now) {
        if (server.deletes() == DeleteDetection.SOFT_DELETED) {
            return Optional.of(new Deletes(List.of(), "soft-deleted: incremental exports ask for"
                    + " includeAssociatedData=_deleted, and the loader applies the soft-deleted versions in the"
                    + " output as deletions"));
        }
        if (server.deletes() == DeleteDetection.MANIFEST) {
            long listed = files.stream().filter(f -> f.kind() == FileKind.DELETED).count();
            return Optional.of(new Deletes(List.of(), "manifest: " + (listed == 0
                    ? "the server listed no deleted files" : listed + " deleted file(s) listed")));
        }
        Optional<ExportRequested> request = runs.find(poll.exportId()).map(ExportRun::request);
        if (request.isEmpty() || request.get().since() == null) {
            return Optional.of(new Deletes(List.of(), "history: not read, " + (request.isEmpty()
                    ? "no run record tells this export's _since"
                    : "a full export (no _since) holds only live resources")));
        }
        Instant since = request.get().since();
        HistoryDeletions.Found found;
        try {
            found = HistoryDeletions.read(server, since, page.transactionTime(), Set.copyOf(request.get().types()),
                    url -> HistoryDeletions.Page.of(get(server, server.checked(url))), now);
        } catch (HistoryDeletions.NotNow e) {
            retryLater(poll, now, e.retryAfter, "reading deletes from _history: " + e.getMessage());
            return Optional.empty();
        } catch (HistoryDeletions.Unreadable e) {
            fail(poll, now, "deletes", "the deletes since " + since + " cannot be read from _history"
                    + " (fhirpipe.servers." + server.name() + ".deletes=history): " + e.getMessage(), null, List.of());
            return Optional.empty();
        }
        String perType = found.byType().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size())
                .collect(java.util.stream.Collectors.joining(", "));
        return Optional.of(new Deletes(historyFiles(poll, found, page, indexes), "history: " + found.deletions()
                + " deleted resource(s) in " + found.entries() + " _history entries since " + since
                + (perType.isEmpty() ? "" : " (" + perType + ")")));
    }

    /** The history's deletes as deleted files after the manifest's own, at most MAX_DELETIONS each. */
    private static List<FileReady> historyFiles(ExportAccepted poll, HistoryDeletions.Found found,
            ExportManifest page, Map<String, Integer> indexes) {
        List<FileReady> files = new ArrayList<>();
        found.byType().forEach((type, deletions) -> {
            for (int from = 0; from < deletions.size(); from += FileReady.MAX_DELETIONS) {
                List<DeletedResource> part = deletions.subList(from,
                        Math.min(deletions.size(), from + FileReady.MAX_DELETIONS));
                int index = indexes.merge(FileKind.DELETED.wireName() + "/" + type, 1, Integer::sum) - 1;
                files.add(new FileReady(poll.exportId(), poll.server(), FileKind.DELETED, type, index, found.query(),
                        (long) part.size(), false, page.transactionTime(), part));
            }
        });
        return files;
    }

    private void deadlinePassed(PolledServer server, URI statusUrl, ExportAccepted poll, Instant now) {
        String detail;
        try {
            HttpRequest.Builder delete = HttpRequest.newBuilder(statusUrl)
                    .timeout(server.requestTimeout()).DELETE();
            server.tokens().bearerToken().ifPresent(token -> delete.header("Authorization", "Bearer " + token));
            int status = http.send(delete.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            detail = "DELETE answered " + status;
        } catch (IOException e) {
            detail = "DELETE failed: " + describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted while cancelling", null, e);
        }
        fail(poll, now, "deadline", "the export did not finish within " + config.poll().deadline()
                + " of " + poll.acceptedAt() + "; cancelled (" + detail + ")", null, List.of());
    }

    private void retryLater(ExportAccepted poll, Instant now, Optional<Duration> retryAfter, String why) {
        // why is built here with the server's words escaped (describe, detail)
        LOG.infof("export %s poll %d: %s; polling again later", poll.exportId(), poll.pollAttempt(), why);
        recordPoll(poll, now, null);
        appendHistory(poll.exportId(), now, "poll-retry", why);
        scheduleNext(poll, now, retryAfter);
    }

    private void scheduleNext(ExportAccepted poll, Instant now, Optional<Duration> retryAfter) {
        ExportAccepted next = poll.nextPoll();
        RetryBackoff backoff = new RetryBackoff(config.poll().minDelay(), config.poll().maxDelay());
        Duration delay = backoff.delay(next.pollAttempt(), retryAfter);
        await(pollDue.publishAt(CloudEvent.of(MessageType.EXPORT_POLL_DUE, SOURCE, next, now), now.plus(delay),
                "poll-" + next.pollAttempt()));
    }

    private void fail(ExportAccepted poll, Instant now, String stage, String reason, Integer httpStatus,
            List<String> diagnostics) {
        await(failed.publish(CloudEvent.of(MessageType.EXPORT_FAILED, SOURCE, new ExportFailed(poll.exportId(),
                poll.job(), stage, reason, httpStatus, diagnostics, now), now)));
        pollState(poll.exportId(), s -> s.ended("failed:" + stage, 0, 0));
        if (runs.find(poll.exportId()).isPresent()) {
            runs.update(poll.exportId(), r -> r.status().isFinal() && r.status() != ExportRunStatus.FAILED ? r
                    : r.withFailed(new RunError(stage, reason, httpStatus, diagnostics), now));
        }
    }

    private void recordPoll(ExportAccepted poll, Instant now, String progress) {
        PollState before = pollState(poll.exportId(), s -> s);
        pollState(poll.exportId(), s -> s.polled(now, progress));
        if (progress != null && !progress.equals(before.lastProgress())) {
            appendHistory(poll.exportId(), now, "progress", progress);
        }
    }

    private PollState pollState(String exportId, java.util.function.UnaryOperator<PollState> change) {
        if (pollStates == null) {
            pollStates = new JsonBlobStore(blobs.getBlobContainerClient(Containers.STATE));
        }
        return pollStates.upsert("polls/" + exportId + ".json", PollState.class, PollState.initial(exportId), change);
    }

    private void appendHistory(String exportId, Instant now, String event, String detail) {
        updateRun(exportId, ExportRun::status, now, event, detail);
    }

    private void updateRun(String exportId, java.util.function.Function<ExportRun, ExportRunStatus> status,
            Instant now, String event, String detail) {
        if (runs.find(exportId).isEmpty()) {
            return;
        }
        runs.update(exportId, r -> {
            List<RunEvent> history = new ArrayList<>(r.history());
            history.add(new RunEvent(now, event, detail));
            while (history.size() > MAX_HISTORY) {
                history.remove(1);
            }
            return new ExportRun(r.exportId(), r.job(), r.server(), status.apply(r), r.request(), r.statusUrl(),
                    r.kickoffAttempts(), r.createdAt(), now, r.error(), history);
        });
    }

    record Issue(String code, String diagnostics) {
    }

    static List<Issue> issues(String body) {
        if (body == null || body.isBlank()) {
            return List.of();
        }
        try {
            JsonNode root = Json.mapper().readTree(body);
            if (root == null || !"OperationOutcome".equals(root.path("resourceType").asText())) {
                return List.of();
            }
            List<Issue> issues = new ArrayList<>();
            for (JsonNode issue : root.path("issue")) {
                issues.add(new Issue(issue.path("code").asText(""), issue.path("diagnostics").asText(null)));
            }
            return issues;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static List<String> diagnostics(List<Issue> issues) {
        return issues.stream().map(Issue::diagnostics).filter(d -> d != null && !d.isBlank()).toList();
    }

    private static String detail(List<Issue> issues) {
        List<String> d = diagnostics(issues);
        return d.isEmpty() ? "" : ": " + d.stream().map(LogValues::quoted).collect(java.util.stream.Collectors.joining("; "));
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + LogValues.escaped(e.getMessage()));
    }

    static void await(CompletionStage<Void> publication) {
        BrokerConfirmation.await(publication, PUBLISH_TIMEOUT, "an export event");
    }
}
