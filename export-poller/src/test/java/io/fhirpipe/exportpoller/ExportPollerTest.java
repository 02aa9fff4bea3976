package io.fhirpipe.exportpoller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.azure.storage.blob.BlobServiceClient;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.events.ExportAccepted;
import io.fhirpipe.model.events.ExportCompleted;
import io.fhirpipe.model.events.ExportFailed;
import io.fhirpipe.model.events.ExportLevel;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.FileReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.runtime.state.PollState;
import io.fhirpipe.runtime.state.PollStateStore;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.fhirpipe.testsupport.fhir.RecordedRequest;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The poller on real components: an export.accepted posted to the broker, polls answered by
 * recorded HAPI FHIR 8.8.0 responses, and what the poller publishes read back from the broker.
 * Each test polls its own status path, so scripted responses never cross tests.
 */
@QuarkusTest
@QuarkusTestResource(value = PollerTestStack.class, restrictToAnnotatedClass = false)
public class ExportPollerTest {

    /** The service consumes export-transfer itself; the test reads its own copy of the topic. */
    private static final String FILE_READY_QUEUE =
            Topology.standard().topic(Topics.EXPORT_FILE_READY).queueAddress(PollerTestStack.OBSERVER);

    private static final String COMPLETED_QUEUE =
            Topology.standard().topic(Topics.EXPORT_COMPLETED).queueAddress(Subscriptions.EXPORT_TRACKER);
    private static final String FAILED_QUEUE =
            Topology.standard().topic(Topics.EXPORT_FAILED).queueAddress(Subscriptions.EXPORT_TRACKER);
    private static final String POLLER_QUEUE =
            Topology.standard().topic(Topics.EXPORT_ACCEPTED).queueAddress(Subscriptions.EXPORT_POLLER);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ExportRunStore runs;

    @Inject
    BlobServiceClient blobs;

    /** The poller's own record of its polls; the run is the trigger's and the poller only reads it. */
    private PollState pollState(String exportId) {
        return new PollStateStore(new JsonBlobStore(blobs.getBlobContainerClient(Containers.STATE)))
                .find(exportId)
                .orElseThrow();
    }

    @Test
    void progressIsRecordedInThePollStateAndTheRunIsLeftToTheTrigger() {
        String path = "/fhir/status/recorded";
        createRun("poll-recorded", ExportRunStatus.ACCEPTED);
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.poll202"));
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.final"));

        accept("poll-recorded", path);

        awaitEvent(COMPLETED_QUEUE, "poll-recorded");
        await().atMost(WAIT)
                .until(() -> "completed".equals(pollState("poll-recorded").outcome()));
        PollState poll = pollState("poll-recorded");
        assertThat(poll.lastProgress()).contains("Build in progress");
        assertThat(poll.filesExpected()).isEqualTo(9);
        ExportRun run = runs.find("poll-recorded").orElseThrow();
        assertThat(run.status()).isEqualTo(ExportRunStatus.ACCEPTED);
        assertThat(run.history()).noneSatisfy(e -> assertThat(e.event()).isIn("progress", "manifest", "poll-retry"));
    }

    @Test
    void aPollAfterCancelIsReportedAsCancelled() {
        String path = "/fhir/status/cancelled";
        createRun("poll-cancelled", ExportRunStatus.CANCELLED);
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("19-cancel.poll-after-delete"));

        accept("poll-cancelled", path);

        ExportFailed failed =
                (ExportFailed) awaitEvent(FAILED_QUEUE, "poll-cancelled").data();
        assertThat(failed.stage()).isEqualTo("cancelled");
        assertThat(failed.httpStatus()).isEqualTo(404);
    }

    @Test
    void anExportPastItsDeadlineIsCancelledAndFailed() {
        String path = "/fhir/status/too-slow";
        PollerTestStack.fhir.enqueue("DELETE", path, RecordedResponse.fixture("19-cancel.delete"));
        String body = MessageCodec.encode(CloudEvent.of(
                MessageType.EXPORT_POLL_DUE,
                "/test",
                new ExportAccepted(
                        "poll-too-slow",
                        "test-job",
                        "hapi",
                        PollerTestStack.fhir.url("status/too-slow"),
                        Instant.now().minus(Duration.ofHours(2)),
                        7),
                Instant.now()));
        PollerTestStack.amqp.send(Topics.EXPORT_ACCEPTED, body);

        ExportFailed failed =
                (ExportFailed) awaitEvent(FAILED_QUEUE, "poll-too-slow").data();
        assertThat(failed.stage()).isEqualTo("deadline");
        List<RecordedRequest> requests = recorded(path);
        assertThat(requests)
                .singleElement()
                .satisfies(r -> assertThat(r.method()).isEqualTo("DELETE"));
    }

    @Test
    void anUnreachableServerIsPolledAgainLaterUntilTheDeadline() {
        createRun("poll-down", ExportRunStatus.ACCEPTED);
        String body = MessageCodec.encode(CloudEvent.of(
                MessageType.EXPORT_ACCEPTED,
                "/test",
                new ExportAccepted(
                        "poll-down",
                        "test-job",
                        "down",
                        "http://" + downAuthority() + "/fhir/status/x",
                        Instant.now().minus(Duration.ofHours(1)).plus(Duration.ofSeconds(3)),
                        0),
                Instant.now()));
        PollerTestStack.amqp.send(Topics.EXPORT_ACCEPTED, body);

        ExportFailed failed =
                (ExportFailed) awaitEvent(FAILED_QUEUE, "poll-down").data();
        assertThat(failed.stage()).isEqualTo("deadline");
        assertThat(failed.reason()).contains("DELETE failed");
        await().atMost(WAIT)
                .until(() -> "failed:deadline".equals(pollState("poll-down").outcome()));
        PollState poll = pollState("poll-down");
        assertThat(poll.retries()).isPositive();
        assertThat(poll.lastRetry()).contains("cannot reach down");
        assertThat(runs.find("poll-down").orElseThrow().status()).isEqualTo(ExportRunStatus.ACCEPTED);
    }

    private static String downAuthority() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("fhirpipe.servers.down.base-url", String.class)
                .replaceFirst("^http://([^/]+)/.*$", "$1");
    }

    private void createRun(String exportId, ExportRunStatus status) {
        Instant now = Instant.now();
        ExportRun requested = ExportRun.requested(
                new ExportRequested(
                        exportId,
                        "test-job",
                        "hapi",
                        ExportLevel.SYSTEM,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        now,
                        "api"),
                now);
        runs.create(new ExportRun(
                exportId,
                "test-job",
                "hapi",
                status,
                requested.request(),
                null,
                1,
                now,
                now,
                null,
                requested.history()));
    }

    @Test
    void pollsUntilTheManifestAndAnnouncesEveryFile() {
        String path = "/fhir/status/happy";
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.poll202"));
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.poll202"));
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.final"));

        accept("poll-happy", path);

        ExportCompleted completed =
                (ExportCompleted) awaitEvent(COMPLETED_QUEUE, "poll-happy").data();
        assertThat(completed.files()).hasSize(9);
        assertThat(completed.files())
                .filteredOn(f -> f.resourceType().equals("Observation"))
                .extracting(f -> f.fileIndex())
                .containsExactly(0, 1);
        assertThat(completed.transactionTime()).isEqualTo(Instant.parse("2026-11-26T05:57:59.310Z"));
        List<CloudEvent<EventData>> ready = events(FILE_READY_QUEUE, "poll-happy", 9);
        assertThat(ready).extracting(e -> ((FileReady) e.data()).kind()).containsOnly(FileKind.OUTPUT);
        assertThat(ready)
                .extracting(e -> ((FileReady) e.data()).url())
                .allSatisfy(url -> assertThat(url).startsWith(PollerTestStack.fhir.baseUrl() + "/Binary/"));
        assertThat(ready)
                .allSatisfy(e ->
                        assertThat(((FileReady) e.data()).requiresAccessToken()).isTrue());
        List<RecordedRequest> polls = recorded(path);
        assertThat(polls).hasSize(3);
        assertThat(polls.get(0).header("Accept")).contains("application/json");
    }

    @Test
    void retryAfter120IsCappedByConfigurationAndTheNextPollIsAScheduledMessage() {
        String path = "/fhir/status/capped";
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.poll202"));
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.final"));

        accept("poll-capped", path);

        await().atMost(WAIT).until(() -> recorded(path).size() >= 1);
        String queue = POLLER_QUEUE.substring(POLLER_QUEUE.indexOf("::") + 2);
        await().atMost(Duration.ofMillis(1500))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> PollerTestStack.broker.scheduledCount(queue) >= 1);
        awaitEvent(COMPLETED_QUEUE, "poll-capped");
        List<RecordedRequest> polls = recorded(path);
        assertThat(polls).hasSize(2);
        Duration between =
                Duration.between(polls.get(0).receivedAt(), polls.get(1).receivedAt());
        assertThat(between).isGreaterThanOrEqualTo(Duration.ofMillis(1800)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aFailedJobFailsTheExportWithTheServersDiagnostics() {
        String path = "/fhir/status/failed-job";
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("28-bad-typefilter.final"));

        accept("poll-failed-job", path);

        ExportFailed failed =
                (ExportFailed) awaitEvent(FAILED_QUEUE, "poll-failed-job").data();
        assertThat(failed.stage()).isEqualTo("poll");
        assertThat(failed.httpStatus()).isEqualTo(500);
        assertThat(failed.diagnostics())
                .singleElement()
                .asString()
                .contains("HAPI-0488")
                .contains("does not have a parameter with name: foo");
        assertThat(recorded(path)).hasSize(1);
    }

    @Test
    void anUnknownJobFailsTheExport() {
        String path = "/fhir/status/unknown";
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("40-poll-unknown"));

        accept("poll-unknown", path);

        ExportFailed failed =
                (ExportFailed) awaitEvent(FAILED_QUEUE, "poll-unknown").data();
        assertThat(failed.stage()).isEqualTo("poll");
        assertThat(failed.httpStatus()).isEqualTo(404);
    }

    @Test
    void aServerErrorWithoutOperationOutcomeIsPolledAgain() {
        String path = "/fhir/status/flaky";
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.of(503));
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.final"));

        accept("poll-flaky", path);

        awaitEvent(COMPLETED_QUEUE, "poll-flaky");
        assertThat(recorded(path)).hasSize(2);
    }

    @Test
    void throttlingAndATransientOperationOutcomeArePolledAgain() {
        String path = "/fhir/status/throttled";
        PollerTestStack.fhir.enqueue(
                "GET",
                path,
                RecordedResponse.operationOutcome(429, "throttled", "slow down").withHeader("Retry-After", "1"));
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.operationOutcome(500, "transient", "busy"));
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.final"));

        accept("poll-throttled", path);

        awaitEvent(COMPLETED_QUEUE, "poll-throttled");
        assertThat(recorded(path)).hasSize(3);
    }

    @Test
    void aPagedManifestIsFollowedAndErrorFilesAreAnnounced() {
        String path = "/fhir/status/paged";
        String base = PollerTestStack.fhir.baseUrl();
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.json(200, """
                {"transactionTime":"2026-11-26T05:57:59.310+00:00","request":"%1$s/$export",
                 "requiresAccessToken":false,
                 "output":[{"type":"Patient","url":"%1$s/Binary/p0"},{"type":"Observation","url":"%1$s/Binary/o0","count":5}],
                 "error":[],
                 "link":[{"relation":"next","url":"%1$s/status/paged-2"}]}""".formatted(base)));
        PollerTestStack.fhir.enqueue("GET", "/fhir/status/paged-2", RecordedResponse.json(200, """
                {"transactionTime":"2026-11-26T05:57:59.310+00:00","request":"%1$s/$export",
                 "requiresAccessToken":false,
                 "output":[{"type":"Observation","url":"%1$s/Binary/o1","count":7}],
                 "error":[{"type":"OperationOutcome","url":"%1$s/Binary/e0"}]}""".formatted(base)));

        accept("poll-paged", path);

        ExportCompleted completed =
                (ExportCompleted) awaitEvent(COMPLETED_QUEUE, "poll-paged").data();
        assertThat(completed.files()).hasSize(4);
        assertThat(completed.files())
                .filteredOn(f -> f.resourceType().equals("Observation"))
                .extracting(f -> f.fileIndex() + ":" + f.count())
                .containsExactly("0:5", "1:7");
        List<CloudEvent<EventData>> ready = events(FILE_READY_QUEUE, "poll-paged", 4);
        FileReady error = ready.stream()
                .map(e -> (FileReady) e.data())
                .filter(f -> f.kind() == FileKind.ERROR)
                .findFirst()
                .orElseThrow();
        assertThat(error.resourceType()).isEqualTo("OperationOutcome");
        assertThat(error.url()).isEqualTo(base + "/Binary/e0");
    }

    @Test
    void aRedeliveredPollAfterCompletionRepublishesTheSameIds() {
        String path = "/fhir/status/again";
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.final"));
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("70-mini-system.final"));

        String body = accept("poll-again", path);
        awaitEvent(COMPLETED_QUEUE, "poll-again");
        List<String> first = events(FILE_READY_QUEUE, "poll-again", 9).stream()
                .map(CloudEvent::id)
                .sorted()
                .toList();

        PollerTestStack.amqp.send(Topics.EXPORT_ACCEPTED, body);
        awaitEvent(COMPLETED_QUEUE, "poll-again");
        List<String> second = events(FILE_READY_QUEUE, "poll-again", 9).stream()
                .map(CloudEvent::id)
                .sorted()
                .toList();

        assertThat(second).isEqualTo(first).doesNotHaveDuplicates();
    }

    @Test
    void aStatusUrlOffTheNamedServerIsDeadLetteredWithoutBeingFetched() {
        String body = MessageCodec.encode(CloudEvent.of(
                MessageType.EXPORT_ACCEPTED,
                "/test",
                new ExportAccepted(
                        "poll-foreign", "test-job", "hapi", "http://169.254.169.254/fhir/status/x", Instant.now(), 0),
                Instant.now()));
        PollerTestStack.amqp.send(Topics.EXPORT_ACCEPTED, body);

        ReceivedMessage dead = awaitMessage(
                Topology.deadLetterAddress(Topics.EXPORT_ACCEPTED),
                m -> m.body().contains("poll-foreign"));
        assertThat(dead.body()).isEqualTo(body);
    }

    @Test
    void anEncodedDotSegmentStatusUrlFailsTheExportAndNothingIsSentToIt() {
        // "secured" has a bearer token: the check must hold before any token is sent
        String statusUrl = PollerTestStack.fhir.baseUrl() + "/%2e%2e/stub-status";
        String body = MessageCodec.encode(CloudEvent.of(
                MessageType.EXPORT_ACCEPTED,
                "/test",
                new ExportAccepted("poll-dots", "test-job", "secured", statusUrl, Instant.now(), 0),
                Instant.now()));
        PollerTestStack.amqp.send(Topics.EXPORT_ACCEPTED, body);

        ExportFailed failed =
                (ExportFailed) awaitEvent(FAILED_QUEUE, "poll-dots").data();
        assertThat(failed.reason())
                .contains(
                        "status URL is not on server secured",
                        "refused, nothing was sent",
                        "not under the server's base path /fhir",
                        "\"/stub-status\"");
        ReceivedMessage dead = awaitMessage(
                Topology.deadLetterAddress(Topics.EXPORT_ACCEPTED),
                m -> m.body().contains("poll-dots"));
        assertThat(dead.applicationProperties())
                .containsEntry(MessageProperties.DEAD_LETTER_REASON, "ForeignStatusUrl");
        assertThat(PollerTestStack.fhir.requests()).noneMatch(r -> r.target().contains("stub-status"));
    }

    @Test
    void anEncodedDotSegmentNextLinkFailsTheExportAndIsNeverFetched() {
        String path = "/fhir/status/dots-next";
        String base = PollerTestStack.fhir.baseUrl();
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.json(200, """
                {"transactionTime":"2026-11-26T05:57:59.310+00:00","request":"%1$s/$export",
                 "requiresAccessToken":true,
                 "output":[{"type":"Patient","url":"%1$s/Binary/p0"}],
                 "error":[],
                 "link":[{"relation":"next","url":"%1$s/status/%%2E%%2E/%%2e%%2e/%%2e%%2e/stub-page"}]}""".formatted(base)));
        String body = MessageCodec.encode(CloudEvent.of(
                MessageType.EXPORT_ACCEPTED,
                "/test",
                new ExportAccepted(
                        "poll-dots-next", "test-job", "secured", base + "/status/dots-next", Instant.now(), 0),
                Instant.now()));
        PollerTestStack.amqp.send(Topics.EXPORT_ACCEPTED, body);

        ExportFailed failed =
                (ExportFailed) awaitEvent(FAILED_QUEUE, "poll-dots-next").data();
        assertThat(failed.reason()).contains("link[next] is not on server secured", "refused", "\"/stub-page\"");
        assertThat(recorded(path))
                .singleElement()
                .satisfies(
                        r -> assertThat(r.header("Authorization")).contains("Bearer " + PollerTestStack.BEARER_TOKEN));
        assertThat(PollerTestStack.fhir.requests()).noneMatch(r -> r.target().contains("stub-page"));
    }

    private static String accept(String exportId, String path) {
        String body = MessageCodec.encode(CloudEvent.of(
                MessageType.EXPORT_ACCEPTED,
                "/test",
                new ExportAccepted(
                        exportId,
                        "test-job",
                        "hapi",
                        PollerTestStack.fhir.url(path.substring("/fhir".length())),
                        Instant.now(),
                        0),
                Instant.now()));
        PollerTestStack.amqp.send(Topics.EXPORT_ACCEPTED, body);
        return body;
    }

    static CloudEvent<EventData> awaitEvent(String queue, String exportId) {
        return MessageCodec.decode(awaitMessage(
                        queue, m -> exportId.equals(m.applicationProperties().get("exportId")))
                .body());
    }

    static List<CloudEvent<EventData>> events(String queue, String exportId, int count) {
        List<CloudEvent<EventData>> events = new ArrayList<>();
        while (events.size() < count) {
            events.add(awaitEvent(queue, exportId));
        }
        return events;
    }

    static ReceivedMessage awaitMessage(String queue, Predicate<ReceivedMessage> matches) {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            Optional<ReceivedMessage> next = PollerTestStack.amqp.receive(queue, Duration.ofMillis(500));
            if (next.isPresent() && matches.test(next.get())) {
                return next.get();
            }
        }
        throw new AssertionError("no matching message on " + queue + " within " + WAIT);
    }

    static List<RecordedRequest> recorded(String path) {
        return PollerTestStack.fhir.requests().stream()
                .filter(r -> r.path().equals(path))
                .toList();
    }
}
