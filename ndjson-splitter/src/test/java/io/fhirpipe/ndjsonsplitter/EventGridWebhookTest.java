package io.fhirpipe.ndjsonsplitter;

import io.fhirpipe.model.events.SplitCompleted;
import io.fhirpipe.model.storage.LandingBlob;
import io.fhirpipe.ndjsonsplitter.split.LandingFileSplitter;
import io.fhirpipe.ndjsonsplitter.split.SplitReport;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Event Grid push delivery into the same path, and the splitter's handling of stale or missing blobs. */
@QuarkusTest
@QuarkusTestResource(value = SplitterTestStack.class, restrictToAnnotatedClass = false)
public class EventGridWebhookTest {

    @Inject
    LandingFileSplitter splitter;

    @Test
    void theEventGridSchemaValidationHandshakeIsAnswered() {
        given().contentType(ContentType.JSON).header("aeg-event-type", "SubscriptionValidation")
                .body("""
                        [{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/x",
                          "subject":"","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6",
                          "validationUrl":"https://rp-eastus2.eventgrid.azure.net/api/vu"},
                          "eventType":"Microsoft.EventGrid.SubscriptionValidationEvent",
                          "eventTime":"2026-11-26T08:00:00Z","metadataVersion":"1","dataVersion":"1"}]""")
                .when().post("/events/blob-created")
                .then().statusCode(200).body("validationResponse", equalTo("512d38b6-c7b8-40c8-89fe-f46f9e9622b6"));
    }

    @Test
    void theCloudEventsAbuseProtectionHandshakeIsAnswered() {
        given().header("WebHook-Request-Origin", "eventemitter.example.com")
                .when().options("/events/blob-created")
                .then().statusCode(200).header("WebHook-Allowed-Origin", equalTo("eventemitter.example.com"));
    }

    @Test
    void aPushedBlobCreatedEventTakesTheSamePath() {
        String exportId = "exp-webhook";
        String etag = NdjsonSplitterTest.upload(exportId + "/Patient-0.ndjson",
                (NdjsonSplitterTest.patient("w1", 1) + "\n" + NdjsonSplitterTest.patient("w2", 2) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
        given().contentType("application/cloudevents+json; charset=utf-8")
                .body(NdjsonSplitterTest.cloudEventsBlobCreated("PutBlob", exportId + "/Patient-0.ndjson", etag))
                .when().post("/events/blob-created")
                .then().statusCode(200);
        SplitCompleted done = NdjsonSplitterTest.awaitSplit(exportId, "Patient");
        assertThat(done.lineCount()).isEqualTo(2);
        assertThat(done.chunkCount()).isEqualTo(1);
    }

    @Test
    void aPushedForeignUrlIsRefusedWith400AndItsReason() {
        String body = NdjsonSplitterTest.eventGridBlobCreated("PutBlob", "exp-w/Patient-0.ndjson", "0x1")
                .replace(SplitterTestStack.azurite.blobEndpoint(), "https://attacker.example.com/devstoreaccount1");
        given().contentType(ContentType.JSON).header("aeg-event-type", "Notification").body(body)
                .when().post("/events/blob-created")
                .then().statusCode(400).contentType("application/problem+json")
                .body("reason", equalTo("ForeignBlobUrl")).body("status", equalTo(400));
    }

    @Test
    void aBodyFarBeyondAnEventGridBatchIsRefusedWith413BeforeAnyEventIsTouched() {
        String exportId = "exp-flood";
        String body = IntStream.range(0, 3000)
                .mapToObj(i -> NdjsonSplitterTest.eventGridBlobCreated("PutBlob", exportId + "/Patient-" + i + ".ndjson",
                        "0x8DC000000000001"))
                .collect(Collectors.joining(",", "[", "]"));
        assertThat(body.length()).isGreaterThan(1_000_000);
        long started = System.nanoTime();

        given().contentType(ContentType.JSON).header("aeg-event-type", "Notification").body(body)
                .when().post("/events/blob-created")
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("urn:fhirpipe:problem:body-too-large"));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(fileFailed(exportId)).isEmpty();
    }

    @Test
    void moreEventsThanABatchHoldsAreRefusedWith413AndNoneIsSplitOrFailed() {
        String exportId = "exp-batch";
        String body = IntStream.range(0, 11)
                .mapToObj(i -> NdjsonSplitterTest.eventGridBlobCreated("PutBlob", exportId + "/Patient-" + i + ".ndjson",
                        "0x8DC000000000001"))
                .collect(Collectors.joining(",", "[", "]"));

        given().contentType(ContentType.JSON).header("aeg-event-type", "Notification").body(body)
                .when().post("/events/blob-created")
                .then().statusCode(413).contentType("application/problem+json")
                .body("reason", equalTo("TooManyEvents")).body("detail", containsString("11 events"));

        assertThat(fileFailed(exportId)).isEmpty();
    }

    @Test
    void eventsOutsideTheLandingContainerAreDroppedNotFailed() {
        String exportId = "exp-elsewhere";
        String body = IntStream.range(0, 10)
                .mapToObj(i -> NdjsonSplitterTest.eventGridBlobCreated("PutBlob", exportId + "/Patient-" + i + ".ndjson",
                        "0x8DC000000000001").replace("/landing/", "/not-landing/"))
                .collect(Collectors.joining(",", "[", "]"));

        given().contentType(ContentType.JSON).header("aeg-event-type", "Notification").body(body)
                .when().post("/events/blob-created")
                .then().statusCode(200);

        assertThat(fileFailed(exportId)).isEmpty();
    }

    @Test
    void oneMissingFileNamedTenTimesInABatchIsAnnouncedOnce() {
        String exportId = "exp-repeated";
        String event = NdjsonSplitterTest.eventGridBlobCreated("PutBlob", exportId + "/Patient-0.ndjson",
                "0x8DC000000000001");
        String body = IntStream.range(0, 10).mapToObj(i -> event).collect(Collectors.joining(",", "[", "]"));

        given().contentType(ContentType.JSON).header("aeg-event-type", "Notification").body(body)
                .when().post("/events/blob-created")
                .then().statusCode(400).body("reason", equalTo("SourceBlobNotFound"));

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
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.fhirpipe.ndjsonsplitter");
        logger.addHandler(capture);
        try {
            given().contentType(ContentType.JSON).header("aeg-event-type", "SubscriptionValidation")
                    .body("""
                            [{"id":"v1","topic":"/subscriptions/x\\n2026-12-03 12:00:00,000 INFO  forged \\"line\\"",
                              "subject":"","data":{"validationCode":"c0de"},
                              "eventType":"Microsoft.EventGrid.SubscriptionValidationEvent",
                              "eventTime":"2026-11-26T08:00:00Z","metadataVersion":"1","dataVersion":"1"}]""")
                    .when().post("/events/blob-created")
                    .then().statusCode(200);
            String crafted = NdjsonSplitterTest.eventGridBlobCreated("PutBlob", "exp-log/Patient-0.ndjson", "0x1")
                    .replace("exp-log/Patient-0.ndjson\"}", "exp-log%0aFORGED%0d/Patient-0.ndjson\"}");
            assertThat(crafted).contains("%0aFORGED");
            given().contentType(ContentType.JSON).header("aeg-event-type", "Notification").body(crafted)
                    .when().post("/events/blob-created")
                    .then().statusCode(400).body("reason", equalTo("ForeignBlobUrl"));
        } finally {
            logger.removeHandler(capture);
        }

        assertThat(lines).anySatisfy(line -> assertThat(line).contains(
                "validation for \"/subscriptions/x\\n2026-12-03 12:00:00,000 INFO  forged \\\"line\\\"\""));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("webhook delivery failed", "control character"));
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\n", "\r"));
    }

    private static List<ReceivedMessage> fileFailed(String exportId) {
        return SplitterTestStack.amqp.browse(NdjsonSplitterTest.FILE_FAILED_QUEUE, Duration.ofSeconds(1)).stream()
                .filter(m -> m.body().contains(exportId)).toList();
    }

    @Test
    void aBlobRewrittenSinceTheEventIsSkippedAsSuperseded() {
        String name = "exp-stale/Patient-0.ndjson";
        String oldEtag = NdjsonSplitterTest.upload(name,
                (NdjsonSplitterTest.patient("s1", 1) + "\n").getBytes(StandardCharsets.UTF_8));
        String newEtag = NdjsonSplitterTest.upload(name,
                (NdjsonSplitterTest.patient("s2", 2) + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(newEtag).isNotEqualTo(oldEtag);
        LandingBlob blob = LandingBlob.parse(name).orElseThrow();

        SplitReport stale = splitter.split(blob, oldEtag);
        assertThat(stale.superseded()).isTrue();
        assertThat(stale.chunks()).isEmpty();

        SplitReport current = splitter.split(blob, newEtag);
        assertThat(current.superseded()).isFalse();
        assertThat(current.completed().sourceEtag()).isEqualTo(newEtag.replace("\"", ""));
        assertThat(current.chunks()).singleElement()
                .satisfies(c -> assertThat(c.chunkBlob()).contains(newEtag.replace("\"", "")));
    }

    @Test
    void aMissingSourceBlobIsAPermanentFailure() {
        LandingBlob blob = LandingBlob.parse("exp-missing/Patient-0.ndjson").orElseThrow();
        assertThatThrownBy(() -> splitter.split(blob, "0x8DC000000000000"))
                .isInstanceOfSatisfying(PermanentFailure.class,
                        f -> assertThat(f.reason()).isEqualTo("SourceBlobNotFound"));
    }
}
