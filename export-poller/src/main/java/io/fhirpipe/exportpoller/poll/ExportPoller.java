package io.fhirpipe.exportpoller.poll;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.exportpoller.config.PollerConfig;
import io.fhirpipe.exportpoller.messaging.PollerChannels;
import io.fhirpipe.fhirclient.bulkdata.BulkDataClient;
import io.fhirpipe.fhirclient.bulkdata.ExportManifest;
import io.fhirpipe.fhirclient.bulkdata.ExportStatus;
import io.fhirpipe.fhirclient.bulkdata.FhirServer;
import io.fhirpipe.fhirclient.bulkdata.FhirServers;
import io.fhirpipe.fhirclient.bulkdata.ForeignUrlException;
import io.fhirpipe.fhirclient.bulkdata.ManifestFile;
import io.fhirpipe.fhirclient.bulkdata.OperationOutcome;
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
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.failure.RetryBackoff;
import io.fhirpipe.runtime.failure.TransientFailure;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.messaging.CloudEventPublisher;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.PollState;
import io.fhirpipe.runtime.state.PollStateStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Handles one {@code export.accepted} / {@code export.poll-due}: one GET of the status URL, then
 * either a delayed poll-due message (202, throttling, transient errors), the manifest's file-ready
 * events and export.completed (200), or export.failed. It never sleeps: waiting is the broker's job.
 */
@ApplicationScoped
class ExportPoller {

    static final String SOURCE = "/fhirpipe/export-poller";
    private static final Logger LOG = Logger.getLogger(ExportPoller.class);

    @Inject
    FhirServers servers;

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

    private volatile PollStateStore pollStates;

    public void handle(ExportAccepted poll) {
        BulkDataClient client = servers.find(poll.server())
                .orElseThrow(() -> new PermanentFailure(
                        "UnknownServer", "no FHIR server named " + LogValues.quoted(poll.server()) + " is configured"));
        FhirServer server = client.server();
        Instant now = clock.instant();
        try {
            server.checked(poll.statusUrl());
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
        if (poll.acceptedAt() != null
                && now.isAfter(poll.acceptedAt().plus(config.poll().deadline()))) {
            deadlinePassed(client, poll, now);
            return;
        }
        ExportStatus status = client.status(poll.statusUrl());
        if (status instanceof ExportStatus.InProgress p) {
            recordPoll(poll, now, p.progress().orElse(null));
            scheduleNext(poll, now, p.retryAfter());
        } else if (status instanceof ExportStatus.NotNow n) {
            retryLater(poll, now, n.retryAfter(), n.reason());
        } else if (status instanceof ExportStatus.InvalidManifest i) {
            fail(poll, now, "poll", "the manifest is invalid: " + i.reason(), 200, List.of());
        } else if (status instanceof ExportStatus.Complete c) {
            complete(client, poll, c.manifest(), now);
        } else if (status instanceof ExportStatus.Answered a) {
            answered(poll, run, a, now);
        }
    }

    /** The status URL answered neither 202 nor 200: done already, cancelled, try later, or failed. */
    private void answered(ExportAccepted poll, Optional<ExportRun> run, ExportStatus.Answered answer, Instant now) {
        int status = answer.httpStatus();
        List<OperationOutcome.Issue> issues = answer.issues();
        if (run.isPresent()
                && (run.get().status() == ExportRunStatus.EXPORTED || run.get().status() == ExportRunStatus.LOADED)) {
            // A late redelivery of a poll whose export already completed (the server may have expired the job).
            LOG.infof(
                    "export %s already completed; poll %d answered %d and is dropped",
                    poll.exportId(), poll.pollAttempt(), status);
            return;
        }
        if (status == 404) {
            boolean cancelled =
                    run.map(r -> r.status() == ExportRunStatus.CANCELLED).orElse(false);
            fail(
                    poll,
                    now,
                    cancelled ? "cancelled" : "poll",
                    cancelled ? "the export was cancelled" : "the status URL answered 404 (unknown or expired job)",
                    status,
                    OperationOutcome.texts(issues));
            return;
        }
        if (status == 429 || (status >= 500 && issues.isEmpty()) || OperationOutcome.isTransient(issues)) {
            retryLater(poll, now, answer.retryAfter(), "the status URL answered " + status + detail(issues));
            return;
        }
        fail(
                poll,
                now,
                "poll",
                "the export job failed: the status URL answered " + status + detail(issues),
                status,
                OperationOutcome.texts(issues));
    }

    private void complete(BulkDataClient client, ExportAccepted poll, ExportManifest page, Instant now) {
        List<ManifestFile> files = page.files();
        // history's deleted files are numbered after the manifest's own
        Map<String, Integer> indexes = new HashMap<>();
        for (ManifestFile file : files) {
            indexes.merge(file.kind().wireName() + "/" + file.resourceType(), file.fileIndex() + 1, Math::max);
        }
        List<FileReady> ready = new ArrayList<>();
        for (ManifestFile file : files) {
            ready.add(new FileReady(
                    poll.exportId(),
                    poll.server(),
                    file.kind(),
                    file.resourceType(),
                    file.fileIndex(),
                    file.url(),
                    file.count(),
                    page.requiresAccessToken(),
                    page.transactionTime()));
        }
        Optional<Deletes> deletes = deletes(client, poll, page, files, indexes, now);
        if (deletes.isEmpty()) {
            return;
        }
        ready.addAll(deletes.get().files());
        for (FileReady file : ready) {
            fileReady.publishAndWait(CloudEvent.of(MessageType.EXPORT_FILE_READY, SOURCE, file, now));
        }
        List<ExpectedFile> expected = ready.stream()
                .map(f -> new ExpectedFile(f.kind(), f.resourceType(), f.fileIndex(), f.expectedCount()))
                .toList();
        completed.publishAndWait(CloudEvent.of(
                MessageType.EXPORT_COMPLETED,
                SOURCE,
                new ExportCompleted(poll.exportId(), poll.job(), page.transactionTime(), expected, now),
                now));
        int errors =
                (int) files.stream().filter(f -> f.kind() == FileKind.ERROR).count();
        String deletesNote = deletes.get().note();
        pollState(
                poll.exportId(),
                s -> s.polled(now, null).withDeletes(deletesNote).ended("completed", ready.size(), errors));
    }

    /** Deleted files the manifest did not list, and how the deletes were learned (kept in the poll state). */
    private record Deletes(List<FileReady> files, String note) {}

    /**
     * How the server's deletes since the export's {@code _since} are learned, per its {@code deletes}
     * setting; empty when reading them has to wait (the poll is scheduled again) or failed the export.
     */
    private Optional<Deletes> deletes(
            BulkDataClient client,
            ExportAccepted poll,
            ExportManifest page,
            List<ManifestFile> files,
            Map<String, Integer> indexes,
            Instant now) {
        FhirServer server = client.server();
        if (server.deletes() == DeleteDetection.SOFT_DELETED) {
            return Optional.of(new Deletes(
                    List.of(),
                    "soft-deleted: incremental exports ask for"
                            + " includeAssociatedData=_deleted, and the loader applies the soft-deleted versions in the"
                            + " output as deletions"));
        }
        if (server.deletes() == DeleteDetection.MANIFEST) {
            long listed =
                    files.stream().filter(f -> f.kind() == FileKind.DELETED).count();
            return Optional.of(new Deletes(
                    List.of(),
                    "manifest: "
                            + (listed == 0
                                    ? "the server listed no deleted files"
                                    : listed + " deleted file(s) listed")));
        }
        Optional<ExportRequested> request = runs.find(poll.exportId()).map(ExportRun::request);
        if (request.isEmpty() || request.get().since() == null) {
            return Optional.of(new Deletes(
                    List.of(),
                    "history: not read, "
                            + (request.isEmpty()
                                    ? "no run record tells this export's _since"
                                    : "a full export (no _since) holds only live resources")));
        }
        Instant since = request.get().since();
        HistoryDeletions.Found found;
        try {
            found = HistoryDeletions.read(
                    server,
                    since,
                    page.transactionTime(),
                    Set.copyOf(request.get().types()),
                    url -> HistoryDeletions.Page.of(client.get(url)),
                    now);
        } catch (HistoryDeletions.NotNow e) {
            retryLater(poll, now, e.retryAfter, "reading deletes from _history: " + e.getMessage());
            return Optional.empty();
        } catch (HistoryDeletions.Unreadable e) {
            fail(
                    poll,
                    now,
                    "deletes",
                    "the deletes since " + since + " cannot be read from _history" + " (fhirpipe.servers."
                            + server.name() + ".deletes=history): " + e.getMessage(),
                    null,
                    List.of());
            return Optional.empty();
        }
        String perType = found.byType().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue().size())
                .collect(java.util.stream.Collectors.joining(", "));
        return Optional.of(new Deletes(
                historyFiles(poll, found, page, indexes),
                "history: " + found.deletions()
                        + " deleted resource(s) in " + found.entries() + " _history entries since " + since
                        + (perType.isEmpty() ? "" : " (" + perType + ")")));
    }

    /** The history's deletes as deleted files after the manifest's own, at most MAX_DELETIONS each. */
    private static List<FileReady> historyFiles(
            ExportAccepted poll, HistoryDeletions.Found found, ExportManifest page, Map<String, Integer> indexes) {
        List<FileReady> files = new ArrayList<>();
        found.byType().forEach((type, deletions) -> {
            for (int from = 0; from < deletions.size(); from += FileReady.MAX_DELETIONS) {
                List<DeletedResource> part =
                        deletions.subList(from, Math.min(deletions.size(), from + FileReady.MAX_DELETIONS));
                int index = indexes.merge(FileKind.DELETED.wireName() + "/" + type, 1, Integer::sum) - 1;
                files.add(new FileReady(
                        poll.exportId(),
                        poll.server(),
                        FileKind.DELETED,
                        type,
                        index,
                        found.query(),
                        (long) part.size(),
                        false,
                        page.transactionTime(),
                        part));
            }
        });
        return files;
    }

    private void deadlinePassed(BulkDataClient client, ExportAccepted poll, Instant now) {
        String detail;
        try {
            detail = "DELETE answered " + client.cancel(poll.statusUrl());
        } catch (IOException e) {
            detail = "DELETE failed: " + BulkDataClient.describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted while cancelling", null, e);
        }
        fail(
                poll,
                now,
                "deadline",
                "the export did not finish within " + config.poll().deadline() + " of " + poll.acceptedAt()
                        + "; cancelled (" + detail + ")",
                null,
                List.of());
    }

    private void retryLater(ExportAccepted poll, Instant now, Optional<Duration> retryAfter, String why) {
        // why is built here with the server's words escaped (describe, detail)
        LOG.infof("export %s poll %d: %s; polling again later", poll.exportId(), poll.pollAttempt(), why);
        pollState(poll.exportId(), s -> s.polled(now, null).retried(now, why));
        scheduleNext(poll, now, retryAfter);
    }

    private void scheduleNext(ExportAccepted poll, Instant now, Optional<Duration> retryAfter) {
        ExportAccepted next = poll.nextPoll();
        RetryBackoff backoff =
                new RetryBackoff(config.poll().minDelay(), config.poll().maxDelay());
        Duration delay = backoff.delay(next.pollAttempt(), retryAfter);
        pollDue.await(
                pollDue.publishAt(
                        CloudEvent.of(MessageType.EXPORT_POLL_DUE, SOURCE, next, now),
                        now.plus(delay),
                        "poll-" + next.pollAttempt()),
                "export.poll-due");
    }

    private void fail(
            ExportAccepted poll,
            Instant now,
            String stage,
            String reason,
            Integer httpStatus,
            List<String> diagnostics) {
        // the trigger records the run as failed from this event
        failed.publishAndWait(CloudEvent.of(
                MessageType.EXPORT_FAILED,
                SOURCE,
                new ExportFailed(poll.exportId(), poll.job(), stage, reason, httpStatus, diagnostics, now),
                now));
        pollState(poll.exportId(), s -> s.ended("failed:" + stage, 0, 0));
    }

    private void recordPoll(ExportAccepted poll, Instant now, String progress) {
        pollState(poll.exportId(), s -> s.polled(now, progress));
    }

    /** The poller's own document (polls/{id}.json); the run itself is the trigger's. */
    private PollState pollState(String exportId, java.util.function.UnaryOperator<PollState> change) {
        if (pollStates == null) {
            pollStates = new PollStateStore(new JsonBlobStore(blobs.getBlobContainerClient(Containers.STATE)));
        }
        return pollStates.apply(exportId, change);
    }

    private static String detail(List<OperationOutcome.Issue> issues) {
        List<String> d = OperationOutcome.texts(issues);
        return d.isEmpty()
                ? ""
                : ": " + d.stream().map(LogValues::quoted).collect(java.util.stream.Collectors.joining("; "));
    }
}
