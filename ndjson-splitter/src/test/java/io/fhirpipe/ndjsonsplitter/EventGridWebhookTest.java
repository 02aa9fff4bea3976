package io.fhirpipe.ndjsonsplitter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.ndjsonsplitter.split.LandingFileSplitter;
import io.fhirpipe.ndjsonsplitter.split.SplitReport;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * Event Grid push delivery: checked, put onto the blob-created topic and answered 202, then split by
 * the topic consumer; and the splitter's handling of stale or missing blobs. The webhook is open here
 * (no profile); {@link EntraProtectedWebhookTest} and {@link DisabledWebhookTest} cover the others.
 */
@QuarkusTest
@QuarkusTestResource(value = SplitterTestStack.class, restrictToAnnotatedClass = false)
public class EventGridWebhookTest {

    @Inject
    LandingFileSplitter splitter;

    @Test
    void theEventGridSchemaValidationHandshakeIsAnswered() {
        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "SubscriptionValidation")
                .body("""
                        [{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/x",
                          "subject":"","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6",
                          "validationUrl":"https://rp-eastus2.eventgrid.azure.net/api/vu"},
                          "eventType":"Microsoft.EventGrid.SubscriptionValidationEvent",
                          "eventTime":"2026-11-26T08:00:00Z","metadataVersion":"1","dataVersion":"1"}]""")
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(200)
                .body("validationResponse", equalTo("512d38b6-c7b8-40c8-89fe-f46f9e9622b6"));
    }

    @Test
    void theCloudEventsAbuseProtectionHandshakeIsAnswered() {
        given().header("WebHook-Request-Origin", "eventemitter.example.com")
                .when()
                .options("/events/blob-created")
                .then()
                .statusCode(200)
                .header("WebHook-Allowed-Origin", equalTo("eventemitter.example.com"));
    }

    @Test
    void aPushedCloudEventsBatchIsAcceptedAndSplitThroughTheTopic() {
        String exportId = "exp-webhook";
        String etag = NdjsonSplitterTest.upload(
                exportId + "/Patient-0.ndjson",
                (NdjsonSplitterTest.patient("w1", 1) + "\n" + NdjsonSplitterTest.patient("w2", 2) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
        String observations = IntStream.range(0, 9)
                .mapToObj(NdjsonSplitterTest::observation)
                .collect(Collectors.joining("\n", "", "\n"));
        String etag2 = NdjsonSplitterTest.upload(
                exportId + "/Observation-0.ndjson", observations.getBytes(StandardCharsets.UTF_8));
        String batch = "[" + NdjsonSplitterTest.cloudEventsBlobCreated("PutBlob", exportId + "/Patient-0.ndjson", etag)
                + ","
                + NdjsonSplitterTest.cloudEventsBlobCreated("PutBlockList", exportId + "/Observation-0.ndjson", etag2)
                + "]";

        given().contentType("application/cloudevents-batch+json; charset=utf-8")
                .body(batch)
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(202)
                .body("forwarded", equalTo(2));

        SplitCompleted patients = NdjsonSplitterTest.awaitSplit(exportId, "Patient");
        assertThat(patients.lineCount()).isEqualTo(2);
        assertThat(patients.chunkCount()).isEqualTo(1);
        SplitCompleted done = NdjsonSplitterTest.awaitSplit(exportId, "Observation");
        assertThat(done.lineCount()).isEqualTo(9);
        // 9 lines at 7 per chunk: chunk.ready for each, published by the topic consumer
        assertThat(NdjsonSplitterTest.awaitChunks(exportId, "Observation", 2))
                .extracting(c -> ((ChunkReady) c.data()).lineCount())
                .containsExactly(7L, 2L);
    }

    @Test
    void aPushedEventGridSchemaEventIsAcceptedAndSplitThroughTheTopic() {
        String exportId = "exp-webhook-eg";
        String etag = NdjsonSplitterTest.upload(
                exportId + "/Patient-0.ndjson",
                (NdjsonSplitterTest.patient("e1", 1) + "\n").getBytes(StandardCharsets.UTF_8));

        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body("["
                        + NdjsonSplitterTest.eventGridBlobCreated(
                                "FlushWithClose", exportId + "/Patient-0.ndjson", etag)
                        + "]")
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(202)
                .body("forwarded", equalTo(1));

        assertThat(NdjsonSplitterTest.awaitChunks(exportId, "Patient", 1))
                .singleElement()
                .satisfies(c -> assertThat(((ChunkReady) c.data()).lineCount()).isEqualTo(1));
        assertThat(NdjsonSplitterTest.awaitSplit(exportId, "Patient").lineCount())
                .isEqualTo(1);
    }

    /**
     * The consumer's queue is paused, so no split can run until it is resumed: the 202 that comes
     * back meanwhile was given without splitting, with the event waiting on the topic.
     */
    @Test
    void theAnswerComesBeforeTheSplitWhichTheTopicConsumerDoesAfterwards() throws Exception {
        String exportId = "exp-answer-first";
        String name = exportId + "/Patient-0.ndjson";
        String etag = NdjsonSplitterTest.upload(
                name,
                IntStream.range(0, 20)
                        .mapToObj(i -> NdjsonSplitterTest.patient("a" + i, i))
                        .collect(Collectors.joining("\n", "", "\n"))
                        .getBytes(StandardCharsets.UTF_8));
        Queue queue = SplitterTestStack.broker.server().locateQueue(SimpleString.of(SPLITTER_QUEUE));
        long before = SplitterTestStack.broker.messageCount(SPLITTER_QUEUE);
        queue.pause();
        try {
            long started = System.nanoTime();
            given().contentType(ContentType.JSON)
                    .header("aeg-event-type", "Notification")
                    .body(NdjsonSplitterTest.eventGridBlobCreated("PutBlob", name, etag))
                    .when()
                    .post("/events/blob-created")
                    .then()
                    .statusCode(202)
                    .body("forwarded", equalTo(1));
            // within Event Grid's 30 s (after which it sends the request again), however slow the split
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));

            assertThat(SplitterTestStack.broker.messageCount(SPLITTER_QUEUE)).isEqualTo(before + 1);
            assertThat(chunkBlobs(exportId)).isEmpty();
        } finally {
            queue.resume();
        }
        SplitCompleted done = NdjsonSplitterTest.awaitSplit(exportId, "Patient");
        assertThat(done.lineCount()).isEqualTo(20);
        assertThat(chunkBlobs(exportId)).hasSize(3);
    }

    @Test
    void aPushedForeignUrlIsRefusedWith400AndItsReason() {
        String body = NdjsonSplitterTest.eventGridBlobCreated("PutBlob", "exp-w/Patient-0.ndjson", "0x1")
                .replace(SplitterTestStack.azurite.blobEndpoint(), "https://attacker.example.com/devstoreaccount1");
        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(body)
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("reason", equalTo("ForeignBlobUrl"))
                .body("status", equalTo(400));
    }

    @Test
    void aBodyFarBeyondAnEventGridBatchIsRefusedWith413BeforeAnyEventIsTouched() {
        String exportId = "exp-flood";
        String body = IntStream.range(0, 3000)
                .mapToObj(i -> NdjsonSplitterTest.eventGridBlobCreated(
                        "PutBlob", exportId + "/Patient-" + i + ".ndjson", "0x8DC000000000001"))
                .collect(Collectors.joining(",", "[", "]"));
        assertThat(body.length()).isGreaterThan(1_000_000);
        long started = System.nanoTime();

        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(body)
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:fhirpipe:problem:body-too-large"));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(fileFailed(exportId)).isEmpty();
    }

    @Test
    void moreEventsThanABatchHoldsAreRefusedWith413AndNoneIsSplitOrFailed() {
        String exportId = "exp-batch";
        String body = IntStream.range(0, 11)
                .mapToObj(i -> NdjsonSplitterTest.eventGridBlobCreated(
                        "PutBlob", exportId + "/Patient-" + i + ".ndjson", "0x8DC000000000001"))
                .collect(Collectors.joining(",", "[", "]"));

        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(body)
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("reason", equalTo("TooManyEvents"))
                .body("detail", containsString("11 events"));

        assertThat(fileFailed(exportId)).isEmpty();
    }

    @Test
    void eventsOutsideTheLandingContainerAreDroppedNotFailed() {
        String exportId = "exp-elsewhere";
        long queued = SplitterTestStack.broker.messageCount(SPLITTER_QUEUE);
        String body = IntStream.range(0, 10)
                .mapToObj(i -> NdjsonSplitterTest.eventGridBlobCreated(
                                "PutBlob", exportId + "/Patient-" + i + ".ndjson", "0x8DC000000000001")
                        .replace("/landing/", "/not-landing/"))
                .collect(Collectors.joining(",", "[", "]"));

        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(body)
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(202)
                .body("forwarded", equalTo(0));

        assertThat(SplitterTestStack.broker.messageCount(SPLITTER_QUEUE)).isEqualTo(queued);
        assertThat(fileFailed(exportId)).isEmpty();
    }

    @Test
    void otherEventTypesAndUnfinishedWritesAreDroppedInBothSchemas() {
        String exportId = "exp-other-types";
        String name = exportId + "/Patient-0.ndjson";
        String etag = NdjsonSplitterTest.upload(
                name, (NdjsonSplitterTest.patient("t1", 1) + "\n").getBytes(StandardCharsets.UTF_8));
        String deleted = NdjsonSplitterTest.eventGridBlobCreated("DeleteBlob", name, etag)
                .replace("Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobDeleted");
        String putBlock = NdjsonSplitterTest.eventGridBlobCreated("PutBlock", name, etag);
        String notNdjson = NdjsonSplitterTest.eventGridBlobCreated("PutBlob", exportId + "/manifest.json", etag);
        String renamed = NdjsonSplitterTest.cloudEventsBlobCreated("RenameFile", name, etag);
        String cloudDeleted = NdjsonSplitterTest.cloudEventsBlobCreated("DeleteBlob", name, etag)
                .replace("Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobDeleted");

        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body("[" + deleted + "," + putBlock + "," + notNdjson + "]")
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(202)
                .body("forwarded", equalTo(0));
        given().contentType("application/cloudevents-batch+json")
                .body("[" + renamed + "," + cloudDeleted + "]")
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(202)
                .body("forwarded", equalTo(0));

        // then a real one: its split is the first and only one of the file
        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(NdjsonSplitterTest.eventGridBlobCreated("CopyBlob", name, etag))
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(202)
                .body("forwarded", equalTo(1));
        assertThat(NdjsonSplitterTest.awaitSplit(exportId, "Patient").lineCount())
                .isEqualTo(1);
        assertThat(SplitterTestStack.amqp.browse(NdjsonSplitterTest.SPLIT_COMPLETED_QUEUE, Duration.ofMillis(300)))
                .noneMatch(m -> exportId.equals(m.property("exportId")));
    }

    @Test
    void oneMissingFileNamedTenTimesInABatchGoesOntoTheTopicOnceAndIsAnnouncedOnce() {
        String exportId = "exp-repeated";
        String event =
                NdjsonSplitterTest.eventGridBlobCreated("PutBlob", exportId + "/Patient-0.ndjson", "0x8DC000000000001");
        String body = IntStream.range(0, 10).mapToObj(i -> event).collect(Collectors.joining(",", "[", "]"));

        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(body)
                .when()
                .post("/events/blob-created")
                .then()
                .statusCode(202)
                .body("forwarded", equalTo(1));

        // the topic consumer finds no such blob: one file.failed, and the one message is dead-lettered
        assertThat(NdjsonSplitterTest.awaitMatching(
                                NdjsonSplitterTest.DEAD_LETTERS, m -> m.body().contains(exportId))
                        .property("DeadLetterReason"))
                .isEqualTo("SourceBlobNotFound");
        assertThat(fileFailed(exportId)).hasSize(1);
    }

    @Test
    void valuesFromTheEventAreEscapedInTheLog() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.fhirpipe.ndjsonsplitter");
        logger.addHandler(capture);
        try {
            given().contentType(ContentType.JSON)
                    .header("aeg-event-type", "SubscriptionValidation")
                    .body("""
                            [{"id":"v1","topic":"/subscriptions/x\\n2026-12-03 12:00:00,000 INFO  forged \\"line\\"",
                              "subject":"","data":{"validationCode":"c0de"},
                              "eventType":"Microsoft.EventGrid.SubscriptionValidationEvent",
                              "eventTime":"2026-11-26T08:00:00Z","metadataVersion":"1","dataVersion":"1"}]""")
                    .when()
                    .post("/events/blob-created")
                    .then()
                    .statusCode(200);
            String crafted = NdjsonSplitterTest.eventGridBlobCreated("PutBlob", "exp-log/Patient-0.ndjson", "0x1")
                    .replace("exp-log/Patient-0.ndjson\"}", "exp-log%0aFORGED%0d/Patient-0.ndjson\"}");
            assertThat(crafted).contains("%0aFORGED");
            given().contentType(ContentType.JSON)
                    .header("aeg-event-type", "Notification")
                    .body(crafted)
                    .when()
                    .post("/events/blob-created")
                    .then()
                    .statusCode(400)
                    .body("reason", equalTo("ForeignBlobUrl"));
        } finally {
            logger.removeHandler(capture);
        }

        assertThat(lines)
                .anySatisfy(
                        line -> assertThat(line)
                                .contains(
                                        "validation for \"/subscriptions/x\\n2026-12-03 12:00:00,000 INFO  forged \\\"line\\\"\""));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("webhook delivery failed", "control character"));
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\n", "\r"));
    }

    static final String SPLITTER_QUEUE =
            Topology.standard().topic(Topics.BLOB_CREATED).subscriptionQueue(Subscriptions.NDJSON_SPLITTER);

    private static List<String> chunkBlobs(String exportId) {
        return SplitterTestStack.azurite
                .blobServiceClient()
                .getBlobContainerClient(Containers.CHUNKS)
                .listBlobs(new ListBlobsOptions().setPrefix(exportId + "/"), null)
                .stream()
                .map(BlobItem::getName)
                .toList();
    }

    private static List<ReceivedMessage> fileFailed(String exportId) {
        return SplitterTestStack.amqp.browse(NdjsonSplitterTest.FILE_FAILED_QUEUE, Duration.ofSeconds(1)).stream()
                .filter(m -> m.body().contains(exportId))
                .toList();
    }

    @Test
    void aBlobRewrittenSinceTheEventIsSkippedAsSuperseded() {
        String name = "exp-stale/Patient-0.ndjson";
        String oldEtag = NdjsonSplitterTest.upload(
                name, (NdjsonSplitterTest.patient("s1", 1) + "\n").getBytes(StandardCharsets.UTF_8));
        String newEtag = NdjsonSplitterTest.upload(
                name, (NdjsonSplitterTest.patient("s2", 2) + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(newEtag).isNotEqualTo(oldEtag);
        LandingBlob blob = LandingBlob.parse(name).orElseThrow();

        SplitReport stale = splitter.split(blob, oldEtag);
        assertThat(stale.superseded()).isTrue();
        assertThat(stale.chunks()).isEmpty();

        SplitReport current = splitter.split(blob, newEtag);
        assertThat(current.superseded()).isFalse();
        assertThat(current.completed().sourceEtag()).isEqualTo(newEtag.replace("\"", ""));
        assertThat(current.chunks())
                .singleElement()
                .satisfies(c -> assertThat(c.chunkBlob()).contains(newEtag.replace("\"", "")));
    }

    @Test
    void aMissingSourceBlobIsAPermanentFailure() {
        LandingBlob blob = LandingBlob.parse("exp-missing/Patient-0.ndjson").orElseThrow();
        assertThatThrownBy(() -> splitter.split(blob, "0x8DC000000000000"))
                .isInstanceOfSatisfying(
                        PermanentFailure.class, f -> assertThat(f.reason()).isEqualTo("SourceBlobNotFound"));
    }
}
