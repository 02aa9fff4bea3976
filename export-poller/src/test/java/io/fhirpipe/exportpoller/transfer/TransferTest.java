package io.fhirpipe.exportpoller.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobProperties;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.exportpoller.PollerTestStack;
import io.fhirpipe.fhirclient.bulkdata.OperationOutcome;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ExportLevel;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.events.FileReady;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.messaging.MessageProperties;
import io.fhirpipe.runtime.messaging.MessageSettlement;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.JsonBlobStore;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.fhirpipe.testsupport.broker.Redeliveries;
import io.fhirpipe.testsupport.fhir.RecordedRequest;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import io.fhirpipe.testsupport.fixture.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The transfer on real components: export.file-ready posted to Artemis, files served by the
 * recorded Bulk Data server (HAPI 8.8.0 downloads) or a streaming file server, landed in Azurite,
 * and the BlobCreated events read back from the splitter's subscription.
 */
@QuarkusTest
@QuarkusTestResource(value = PollerTestStack.class, restrictToAnnotatedClass = false)
public class TransferTest {

    static final String BLOB_CREATED_QUEUE =
            Topology.standard().topic(Topics.BLOB_CREATED).queueAddress(Subscriptions.NDJSON_SPLITTER);
    static final String DEAD_LETTERS = Topology.deadLetterAddress(Topics.EXPORT_FILE_READY);
    static final String FILE_FAILED_QUEUE =
            Topology.standard().topic(Topics.FILE_FAILED).queueAddress(Subscriptions.EXPORT_TRACKER);
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Instant TX = Instant.parse("2026-11-26T05:57:59.310Z");
    static final byte[] PATIENTS = Fixtures.bulkDataBytes("04-binary-patient-noaccept.body");

    @Inject
    BlobServiceClient blobs;

    @Inject
    FileReadyConsumer consumer;

    @Inject
    ExportRunStore runs;

    @Test
    void aDownloadThatFailsTwiceLandsOnceWithTheServersBytes() throws Exception {
        String path = "/Binary/retry-twice";
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.operationOutcome(500, "exception", "boom"));
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.of(503));
        PollerTestStack.fhir.enqueue("GET", path, ndjson(PATIENTS));

        send(file("xfer-retry", "hapi", FileKind.OUTPUT, "Patient", 0, path, 250L, false));

        ReceivedMessage event = awaitMessage(BLOB_CREATED_QUEUE, exportId("xfer-retry"));
        BlobClient blob = landing("xfer-retry/Patient-0.ndjson");
        assertThat(blob.downloadContent().toBytes()).isEqualTo(PATIENTS);
        BlobProperties properties = blob.getProperties();
        assertThat(properties.getContentType()).isEqualTo("application/fhir+ndjson");
        List<RecordedRequest> downloads = recorded(path);
        assertThat(downloads).hasSize(3);
        assertThat(downloads).allSatisfy(r -> {
            assertThat(r.header("Accept")).isEmpty();
            assertThat(r.header("Authorization")).isEmpty();
        });

        JsonNode json = Json.mapper().readTree(event.body());
        String etag = FileTransfer.unquote(properties.getETag());
        assertThat(json.get("id").asText()).isEqualTo(BlobCreatedEvent.id("xfer-retry/Patient-0.ndjson", etag));
        assertThat(event.messageId()).isEqualTo(json.get("id").asText());
        assertThat(json.get("eventType").asText()).isEqualTo("Microsoft.Storage.BlobCreated");
        assertThat(json.get("subject").asText())
                .isEqualTo("/blobServices/default/containers/landing/blobs/xfer-retry/Patient-0.ndjson");
        JsonNode data = json.get("data");
        assertThat(data.get("api").asText()).isEqualTo("PutBlockList");
        // As Event Grid writes it: slashes in the blob name not encoded (the splitter refuses %2F).
        assertThat(data.get("url").asText())
                .isEqualTo(blob.getContainerClient().getBlobContainerUrl() + "/" + blob.getBlobName())
                .doesNotContain("%2F");
        assertThat(data.get("eTag").asText()).isEqualTo(etag);
        assertThat(data.get("contentLength").asLong()).isEqualTo(PATIENTS.length);
        assertThat(data.get("contentType").asText()).isEqualTo("application/fhir+ndjson");
        assertThat(data.get("blobType").asText()).isEqualTo("BlockBlob");
        assertThat(event.applicationProperties())
                .containsEntry(MessageProperties.EXPORT_ID, "xfer-retry")
                .containsEntry(MessageProperties.RESOURCE_TYPE, "Patient");

        // What ndjson-splitter does with it (mirrored: this module cannot depend on the splitter).
        assertThat(SplitterAcceptance.splits(event.body(), blobs.getAccountUrl()))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.blob()).isEqualTo(new LandingBlob("xfer-retry", FileKind.OUTPUT, "Patient", 0, false));
                    assertThat(s.etag()).isEqualTo(etag);
                });
        // Landed once: no second event for this file.
        assertThat(PollerTestStack.amqp.drain(BLOB_CREATED_QUEUE, Duration.ofMillis(700)))
                .noneMatch(exportId("xfer-retry"));
        TransferRecord record = record("xfer-retry/Patient-0.ndjson");
        assertThat(record.outcome()).isEqualTo("landed");
        assertThat(record.attempts()).isEqualTo(3);
        assertThat(record.lines()).isEqualTo(250);
    }

    @Test
    void whenEveryAttemptFailsTheMessageIsAbandonedAndTheRedeliveryLandsTheFile() {
        String path = "/Binary/outage";
        for (int i = 0; i < 4; i++) {
            PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.of(502));
        }
        PollerTestStack.fhir.enqueue("GET", path, ndjson(PATIENTS));
        send(file("xfer-outage", "hapi", FileKind.OUTPUT, "Patient", 0, path, 250L, false));

        awaitMessage(BLOB_CREATED_QUEUE, exportId("xfer-outage"));

        // Delivery 1: three attempts (max-attempts), then abandoned; delivery 2: one more 502, then the file.
        assertThat(recorded(path)).hasSize(5);
        assertThat(landing("xfer-outage/Patient-0.ndjson").downloadContent().toBytes())
                .isEqualTo(PATIENTS);
        assertThat(record("xfer-outage/Patient-0.ndjson").attempts()).isEqualTo(2);
    }

    /**
     * The subscription's last delivery still meets the outage: the file is given up here, announced
     * with file.failed (so the export fails instead of waiting) and dead-lettered with the reason.
     */
    @Test
    void onTheLastDeliveryAnOutageGivesTheFileUpAndAnnouncesIt() throws Exception {
        String path = "/Binary/last-delivery";
        PollerTestStack.fhir.always("GET", path, RecordedResponse.of(502));
        FileReady file = file("xfer-last", "hapi", FileKind.OUTPUT, "Patient", 0, path, 250L, false);
        String body = MessageCodec.encode(CloudEvent.of(MessageType.EXPORT_FILE_READY, "/test", file, Instant.now()));
        List<String> settled = new java.util.concurrent.CopyOnWriteArrayList<>();

        int max = Redeliveries.maxDeliveries(Topics.EXPORT_FILE_READY, Subscriptions.EXPORT_TRANSFER);
        consumer.consume(Redeliveries.lastDelivery(
                        Topics.EXPORT_FILE_READY, Subscriptions.EXPORT_TRANSFER, body, settled))
                .toCompletableFuture()
                .get(60, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(settled).containsExactly("ack");
        ReceivedMessage failed = new io.fhirpipe.testsupport.broker.MatchingReceiver(PollerTestStack.amqp, WAIT)
                .await(FILE_FAILED_QUEUE, exportId("xfer-last"));
        io.fhirpipe.model.events.FileFailed data = (io.fhirpipe.model.events.FileFailed)
                MessageCodec.decode(failed.body()).data();
        assertThat(data.landingBlob()).isEqualTo("xfer-last/Patient-0.ndjson");
        assertThat(data.reason()).startsWith(MessageSettlement.DELIVERY_LIMIT_REACHED + ": delivery " + max);
        ReceivedMessage dead = awaitMessage(DEAD_LETTERS, m -> m.body().contains("xfer-last"));
        assertThat(dead.applicationProperties())
                .containsEntry(MessageProperties.DEAD_LETTER_REASON, MessageSettlement.DELIVERY_LIMIT_REACHED);
        assertThat(landing("xfer-last/Patient-0.ndjson").exists()).isFalse();
    }

    @Test
    void aTimeoutAndADroppedConnectionAreRetriedFromTheStart() {
        String slow = "/Binary/slow";
        PollerTestStack.fhir.enqueue("GET", slow, ndjson(PATIENTS).delayedBy(Duration.ofSeconds(4)));
        PollerTestStack.fhir.enqueue("GET", slow, ndjson(PATIENTS));
        String dropped = "/Binary/dropped";
        // The JDK client itself retries a GET once after a dropped connection: two drops fail one attempt.
        PollerTestStack.fhir.enqueueConnectionDrop("GET", dropped);
        PollerTestStack.fhir.enqueueConnectionDrop("GET", dropped);
        PollerTestStack.fhir.enqueue("GET", dropped, ndjson(PATIENTS));
        send(file("xfer-slow", "hapi", FileKind.OUTPUT, "Patient", 0, slow, 250L, false));
        send(file("xfer-dropped", "hapi", FileKind.OUTPUT, "Patient", 0, dropped, 250L, false));

        java.util.Set<Object> landed = new java.util.HashSet<>();
        while (landed.size() < 2) {
            landed.add(awaitMessage(BLOB_CREATED_QUEUE, exportId("xfer-slow").or(exportId("xfer-dropped")))
                    .applicationProperties()
                    .get(MessageProperties.EXPORT_ID));
        }

        assertThat(recorded(slow)).hasSize(2);
        assertThat(recorded(dropped)).hasSize(3);
        assertThat(landing("xfer-slow/Patient-0.ndjson").downloadContent().toBytes())
                .isEqualTo(PATIENTS);
        assertThat(landing("xfer-dropped/Patient-0.ndjson").downloadContent().toBytes())
                .isEqualTo(PATIENTS);
    }

    @Test
    void aCountOtherThanTheManifestsIsDeadLetteredWithTheReasonAndNothingIsCommitted() {
        String path = "/Binary/count-mismatch";
        PollerTestStack.fhir.always("GET", path, ndjson(PATIENTS));
        String body = send(file("xfer-count", "hapi", FileKind.OUTPUT, "Patient", 0, path, 249L, false));

        ReceivedMessage dead = awaitMessage(DEAD_LETTERS, m -> m.body().contains("xfer-count"));

        assertThat(dead.body()).isEqualTo(body);
        assertThat(dead.applicationProperties()).containsEntry(MessageProperties.DEAD_LETTER_REASON, "CountMismatch");
        assertThat((String) dead.applicationProperties().get(MessageProperties.DEAD_LETTER_DESCRIPTION))
                .contains("holds 250 records but the manifest announced 249");
        assertThat(landing("xfer-count/Patient-0.ndjson").exists()).isFalse();
        assertThat(recorded(path)).hasSize(1);

        // announced first, so the tracker fails the export instead of waiting for the file forever
        ReceivedMessage failed = new io.fhirpipe.testsupport.broker.MatchingReceiver(PollerTestStack.amqp, WAIT)
                .await(FILE_FAILED_QUEUE, exportId("xfer-count"));
        io.fhirpipe.model.events.FileFailed data = (io.fhirpipe.model.events.FileFailed)
                io.fhirpipe.model.messages.MessageCodec.decode(failed.body()).data();
        assertThat(data.landingBlob()).isEqualTo("xfer-count/Patient-0.ndjson");
        assertThat(data.stage()).isEqualTo(io.fhirpipe.model.events.FileFailed.TRANSFER);
        assertThat(data.kind()).isEqualTo(FileKind.OUTPUT);
        assertThat(data.reason()).startsWith("CountMismatch: ").contains("announced 249");
    }

    @Test
    void aRedeliveredFileReadyLeavesTheSameBlobAndRepublishesTheSameEvent() {
        String path = "/Binary/redelivered";
        PollerTestStack.fhir.always("GET", path, ndjson(PATIENTS));
        String body = send(file("xfer-again", "hapi", FileKind.DELETED, "Patient", 2, path, null, false));
        ReceivedMessage first = awaitMessage(BLOB_CREATED_QUEUE, exportId("xfer-again"));
        BlobClient blob = landing("xfer-again/deleted/Patient-2.ndjson");
        String etag = blob.getProperties().getETag();

        PollerTestStack.amqp.send(Topics.EXPORT_FILE_READY, body);
        ReceivedMessage second = awaitMessage(BLOB_CREATED_QUEUE, exportId("xfer-again"));

        assertThat(second.messageId()).isEqualTo(first.messageId());
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(blob.getProperties().getETag()).isEqualTo(etag);
        assertThat(blob.downloadContent().toBytes()).isEqualTo(PATIENTS);
        // The second delivery found the file landed from the same URL and did not download it again.
        assertThat(recorded(path)).hasSize(1);
        assertThat(record("xfer-again/deleted/Patient-2.ndjson").outcome()).isEqualTo("already-landed");
    }

    @Test
    void theBearerTokenIsSentWhenTheManifestRequiresItAndA401IsRetriedWithATokenAskedAfresh() {
        String path = "/Binary/secured";
        PollerTestStack.fhir.enqueue("GET", path, RecordedResponse.operationOutcome(401, "login", "expired"));
        PollerTestStack.fhir.enqueue("GET", path, ndjson(PATIENTS));
        send(file("xfer-token", "secured", FileKind.OUTPUT, "Patient", 0, path, 250L, true));

        awaitMessage(BLOB_CREATED_QUEUE, exportId("xfer-token"));

        assertThat(recorded(path))
                .hasSize(2)
                .allSatisfy(
                        r -> assertThat(r.header("Authorization")).contains("Bearer " + PollerTestStack.BEARER_TOKEN));
        assertThat(landing("xfer-token/Patient-0.ndjson").downloadContent().toBytes())
                .isEqualTo(PATIENTS);
    }

    @Test
    void noTokenIsSentWhenTheManifestDoesNotRequireOne() {
        String path = "/Binary/open";
        PollerTestStack.fhir.always("GET", path, ndjson(PATIENTS));
        send(file("xfer-open", "secured", FileKind.OUTPUT, "Patient", 0, path, null, false));

        awaitMessage(BLOB_CREATED_QUEUE, exportId("xfer-open"));

        assertThat(recorded(path))
                .singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isEmpty());
    }

    @Test
    void aLargeFileLandsByteForByte() throws Exception {
        GeneratedNdjson generated = GeneratedNdjson.ofAtLeast(50L * 1024 * 1024);
        FileReady ready = new FileReady(
                "xfer-large",
                "files",
                FileKind.OUTPUT,
                "Observation",
                0,
                PollerTestStack.files.fileUrl(generated),
                generated.lines(),
                false,
                TX);
        send(ready);

        ReceivedMessage event = awaitMessage(BLOB_CREATED_QUEUE, exportId("xfer-large"));

        BlobClient blob = landing("xfer-large/Observation-0.ndjson");
        assertThat(blob.getProperties().getBlobSize()).isEqualTo(generated.size());
        assertThat(GeneratedNdjson.sha256(blob.openInputStream())).isEqualTo(generated.sha256());
        assertThat(Json.mapper()
                        .readTree(event.body())
                        .at("/data/contentLength")
                        .asLong())
                .isEqualTo(generated.size());
        // 50 MiB in 4 MiB blocks: the file went up as blocks, not one put.
        assertThat(blob.getBlockBlobClient()
                        .listBlocks(com.azure.storage.blob.models.BlockListType.COMMITTED)
                        .getCommittedBlocks())
                .hasSize((int) ((generated.size() + 4194303) / 4194304));
        assertThat(record("xfer-large/Observation-0.ndjson").lines()).isEqualTo(generated.lines());
    }

    @Test
    void anErrorFileLandsUnderErrorWithItsIssuesRecordedAndAnnouncesNothing() {
        String path = "/Binary/errors";
        createRun("xfer-errors");
        String outcomes = """
                {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"Patient/pt-9 could not be read"}]}
                {"resourceType":"OperationOutcome","issue":[{"severity":"warning","code":"incomplete","diagnostics":"Observation search truncated"},{"severity":"error","code":"exception","diagnostics":"timeout"}]}
                """;
        PollerTestStack.fhir.always("GET", path, ndjson(outcomes.getBytes()));
        send(file("xfer-errors", "hapi", FileKind.ERROR, "OperationOutcome", 0, path, null, false));

        await().atMost(WAIT)
                .until(() -> recordIfAny("xfer-errors/error/OperationOutcome-0.ndjson")
                        .isPresent());

        TransferRecord record = record("xfer-errors/error/OperationOutcome-0.ndjson");
        assertThat(record.totalIssues()).isEqualTo(3);
        assertThat(record.issues())
                .extracting(OperationOutcome.Issue::diagnostics)
                .containsExactly("Patient/pt-9 could not be read", "Observation search truncated", "timeout");
        assertThat(record.blobCreatedEventId()).isNull();
        assertThat(landing("xfer-errors/error/OperationOutcome-0.ndjson")
                        .downloadContent()
                        .toString())
                .isEqualTo(outcomes);
        ExportRun run = runs.find("xfer-errors").orElseThrow();
        assertThat(run.history()).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo("error-file");
            assertThat(e.detail())
                    .startsWith("3 issues in landing/xfer-errors/error/OperationOutcome-0.ndjson")
                    .contains("error/processing: Patient/pt-9 could not be read");
        });
        assertThat(PollerTestStack.amqp.drain(BLOB_CREATED_QUEUE, Duration.ofMillis(700)))
                .noneMatch(exportId("xfer-errors"));
    }

    @Test
    void theServersWordsInAnErrorFileAreEscapedInTheLog() {
        String path = "/Binary/errors-forged";
        String outcomes = """
                {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"x\\n2026-12-03 12:00:00,000 INFO  [io.fhirpipe] export xfer-forged LOADED\\r\\u2028"}]}
                """;
        PollerTestStack.fhir.always("GET", path, ndjson(outcomes.getBytes()));
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                lines.add(
                        record instanceof org.jboss.logmanager.ExtLogRecord ext
                                ? ext.getFormattedMessage()
                                : record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.fhirpipe.exportpoller");
        logger.addHandler(capture);
        try {
            send(file("xfer-forged", "hapi", FileKind.ERROR, "OperationOutcome", 0, path, null, false));
            await().atMost(WAIT)
                    .until(() -> recordIfAny("xfer-forged/error/OperationOutcome-0.ndjson")
                            .isPresent());
        } finally {
            logger.removeHandler(capture);
        }

        assertThat(lines)
                .anySatisfy(line -> assertThat(line)
                        .contains("error file xfer-forged/error/")
                        .contains(
                                "\"error/processing: x\\n2026-12-03 12:00:00,000 INFO  [io.fhirpipe] export xfer-forged"
                                        + " LOADED\\r\\u2028\""));
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\n", "\r", "\u2028"));
    }

    @Test
    void aFileTheServerWroteIntoOurStorageIsCopiedIntoLandingAndAnnounced() {
        // Azure's _container export: the server writes the files into our account in its own layout
        var serverFolder = blobs.getBlobContainerClient("fhir-export");
        serverFolder.createIfNotExists();
        serverFolder
                .getBlobClient("run-7/Patient-1.ndjson")
                .upload(com.azure.core.util.BinaryData.fromBytes(PATIENTS), true);
        String url = serverFolder.getBlobContainerUrl() + "/run-7/Patient-1.ndjson";
        send(new FileReady("xfer-container", "hapi", FileKind.OUTPUT, "Patient", 0, url, 250L, true, TX));

        ReceivedMessage event = awaitMessage(BLOB_CREATED_QUEUE, exportId("xfer-container"));

        assertThat(landing("xfer-container/Patient-0.ndjson").downloadContent().toBytes())
                .isEqualTo(PATIENTS);
        assertThat(event.body()).contains("/landing/xfer-container/Patient-0.ndjson");
        TransferRecord record = record("xfer-container/Patient-0.ndjson");
        assertThat(record.outcome()).isEqualTo("landed");
        assertThat(record.lines()).isEqualTo(250);
    }

    @Test
    void aFileUrlIntoFhirpipesOwnContainersIsDeadLetteredAndNothingIsCopied() {
        String url = blobs.getAccountUrl() + "/state/runs/some-export.json";
        String body = send(new FileReady("xfer-own", "hapi", FileKind.OUTPUT, "Patient", 0, url, null, true, TX));
        ReceivedMessage dead = awaitMessage(DEAD_LETTERS, m -> m.body().contains("xfer-own"));
        assertThat(dead.body()).isEqualTo(body);
        assertThat(dead.applicationProperties()).containsEntry(MessageProperties.DEAD_LETTER_REASON, "ForeignFileUrl");
        assertThat(landing("xfer-own/Patient-0.ndjson").exists()).isFalse();
    }

    @Test
    void aStorageUrlClimbingIntoFhirpipesOwnContainersWithEncodedDotsIsRefused() {
        String url = blobs.getAccountUrl() + "/fhir-export/%2e%2e/state/runs/some-export.json";
        send(new FileReady("xfer-own-dots", "hapi", FileKind.OUTPUT, "Patient", 0, url, null, true, TX));
        ReceivedMessage dead = awaitMessage(DEAD_LETTERS, m -> m.body().contains("xfer-own-dots"));
        assertThat(dead.applicationProperties()).containsEntry(MessageProperties.DEAD_LETTER_REASON, "ForeignFileUrl");
        assertThat(landing("xfer-own-dots/Patient-0.ndjson").exists()).isFalse();
    }

    @Test
    void aFileGoneFromOurStorageIsDeadLetteredAsGone() {
        String url = blobs.getAccountUrl() + "/fhir-export/run-8/Patient-1.ndjson";
        String body = send(new FileReady("xfer-gone", "hapi", FileKind.OUTPUT, "Patient", 0, url, null, true, TX));
        ReceivedMessage dead = awaitMessage(DEAD_LETTERS, m -> m.body().contains("xfer-gone"));
        assertThat(dead.body()).isEqualTo(body);
        assertThat(dead.applicationProperties()).containsEntry(MessageProperties.DEAD_LETTER_REASON, "FileGone");
    }

    @Test
    void aFileUrlOffTheServerIsDeadLetteredWithoutBeingFetched() {
        String body = send(new FileReady(
                "xfer-foreign",
                "hapi",
                FileKind.OUTPUT,
                "Patient",
                0,
                "http://169.254.169.254/fhir/Binary/x",
                null,
                false,
                TX));

        ReceivedMessage dead = awaitMessage(DEAD_LETTERS, m -> m.body().contains("xfer-foreign"));

        assertThat(dead.body()).isEqualTo(body);
        assertThat(dead.applicationProperties()).containsEntry(MessageProperties.DEAD_LETTER_REASON, "ForeignFileUrl");
    }

    @Test
    void anEncodedDotSegmentFileUrlIsRefusedAndTheTokenNeverSent() {
        String url = PollerTestStack.fhir.baseUrl() + "/Binary/%2e%2e/%2E%2E/stub-file";
        String body = send(new FileReady("xfer-dots", "secured", FileKind.OUTPUT, "Patient", 0, url, null, true, TX));

        ReceivedMessage dead = awaitMessage(DEAD_LETTERS, m -> m.body().contains("xfer-dots"));
        assertThat(dead.body()).isEqualTo(body);
        assertThat(dead.applicationProperties()).containsEntry(MessageProperties.DEAD_LETTER_REASON, "ForeignFileUrl");
        ReceivedMessage failed = awaitMessage(FILE_FAILED_QUEUE, m -> m.body().contains("xfer-dots"));
        assertThat(failed.body())
                .contains(
                        "file URL is neither in the storage account nor on server secured",
                        "refused",
                        "not under the server's base path /fhir");
        assertThat(PollerTestStack.fhir.requests()).noneMatch(r -> r.target().contains("stub-file"));
        assertThat(landing("xfer-dots/Patient-0.ndjson").exists()).isFalse();
    }

    @Test
    void aBinaryResourceInsteadOfNdjsonIsDeadLettered() {
        String path = "/Binary/as-json";
        PollerTestStack.fhir.always(
                "GET",
                path,
                RecordedResponse.fixtureBody(
                        "04-binary-patient-fhirjson.body", 200, "application/fhir+json;charset=UTF-8"));
        send(file("xfer-json", "hapi", FileKind.OUTPUT, "Patient", 0, path, null, false));

        ReceivedMessage dead = awaitMessage(DEAD_LETTERS, m -> m.body().contains("xfer-json"));

        assertThat(dead.applicationProperties()).containsEntry(MessageProperties.DEAD_LETTER_REASON, "NotNdjson");
        assertThat(landing("xfer-json/Patient-0.ndjson").exists()).isFalse();
    }

    private void createRun(String exportId) {
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
                ExportRunStatus.EXPORTED,
                requested.request(),
                null,
                1,
                now,
                now,
                null,
                requested.history()));
    }

    static RecordedResponse ndjson(byte[] body) {
        return RecordedResponse.of(200)
                .withHeader("Content-Type", "application/fhir+ndjson")
                .withBody(body);
    }

    static FileReady file(
            String exportId,
            String server,
            FileKind kind,
            String type,
            int index,
            String path,
            Long count,
            boolean token) {
        return new FileReady(exportId, server, kind, type, index, PollerTestStack.fhir.url(path), count, token, TX);
    }

    static String send(FileReady file) {
        String body = MessageCodec.encode(CloudEvent.of(MessageType.EXPORT_FILE_READY, "/test", file, Instant.now()));
        PollerTestStack.amqp.send(Topics.EXPORT_FILE_READY, body);
        return body;
    }

    BlobClient landing(String name) {
        return blobs.getBlobContainerClient(Containers.LANDING).getBlobClient(name);
    }

    Optional<TransferRecord> recordIfAny(String name) {
        return new JsonBlobStore(blobs.getBlobContainerClient(Containers.STATE))
                .read("transfers/" + name + ".json", TransferRecord.class)
                .map(v -> v.value());
    }

    TransferRecord record(String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> recordIfAny(name).isPresent());
        return recordIfAny(name).orElseThrow();
    }

    static Predicate<ReceivedMessage> exportId(String exportId) {
        return m -> exportId.equals(m.applicationProperties().get(MessageProperties.EXPORT_ID));
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
                .filter(r -> r.path().equals("/fhir" + path))
                .toList();
    }
}
