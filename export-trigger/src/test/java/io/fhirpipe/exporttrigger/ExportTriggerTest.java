package io.fhirpipe.exporttrigger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

import io.fhirpipe.model.Subscriptions;
import io.fhirpipe.model.Topics;
import io.fhirpipe.model.events.EventData;
import io.fhirpipe.model.events.ExportAccepted;
import io.fhirpipe.model.events.ExportFailed;
import io.fhirpipe.model.messages.CloudEvent;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.testsupport.broker.ReceivedMessage;
import io.fhirpipe.testsupport.fhir.RecordedRequest;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The trigger end to end on real components: REST or a hand-posted message in, a kick-off against
 * a Bulk Data server replaying recorded HAPI FHIR 8.8.0 responses, and what it publishes read back
 * from the broker. Each test uses its own group id, so scripted responses never cross tests.
 */
@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
public class ExportTriggerTest {

    private static final String ACCEPTED_QUEUE =
            Topology.standard().topic(Topics.EXPORT_ACCEPTED).queueAddress(Subscriptions.EXPORT_POLLER);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    ExportRunStore runs;

    @Test
    void aRestRequestIsKickedOffAndAnnouncedAsAccepted() {
        TriggerTestStack.fhir.enqueue(
                "GET", "/fhir/Group/g-success/$export", RecordedResponse.fixture("01-system-kickoff"));

        String exportId = given().contentType(ContentType.JSON)
                .body("""
                        {"server":"hapi","level":"group","groupId":"g-success","types":["Patient","Condition"],
                         "since":"2026-11-26T05:34:57Z"}""")
                .when()
                .post("/exports")
                .then()
                .statusCode(202)
                .header("Location", containsString("/exports/"))
                .body("status", equalTo("requested"))
                .extract()
                .path("exportId");

        CloudEvent<EventData> accepted = awaitEvent(ACCEPTED_QUEUE, exportId);
        ExportAccepted data = (ExportAccepted) accepted.data();
        assertThat(data.statusUrl()).startsWith(TriggerTestStack.fhir.baseUrl() + "/$export-poll-status?_jobId=");
        assertThat(data.server()).isEqualTo("hapi");

        RecordedRequest kickoff = requestsTo("/fhir/Group/g-success/$export").get(0);
        assertThat(kickoff.header("Accept")).contains("application/fhir+json");
        assertThat(kickoff.header("Prefer")).contains("respond-async");
        assertThat(kickoff.header("Authorization")).isEmpty();
        assertThat(kickoff.rawQuery()).isEqualTo("_type=Patient%2CCondition&_since=2026-11-26T05%3A34%3A57Z");

        given().when()
                .get("/exports/" + exportId)
                .then()
                .statusCode(200)
                .body("status", equalTo("ACCEPTED"))
                .body("statusUrl", equalTo(data.statusUrl()))
                .body("request.groupId", equalTo("g-success"));
    }

    @Test
    void aServerWithBearerAuthenticationGetsItsTokenAndTheRunRecordDoesNot() {
        String path = "/fhir/Group/g-secured/$export";
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));

        String exportId = given().contentType(ContentType.JSON)
                .body("{\"server\":\"secured\",\"level\":\"group\",\"groupId\":\"g-secured\"}")
                .when()
                .post("/exports")
                .then()
                .statusCode(202)
                .extract()
                .path("exportId");

        awaitEvent(ACCEPTED_QUEUE, exportId);
        assertThat(requestsTo(path).get(0).header("Authorization"))
                .contains("Bearer " + TriggerTestStack.SECURED_TOKEN);
        String record = given().when()
                .get("/exports/" + exportId)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(record).doesNotContain(TriggerTestStack.SECURED_TOKEN);
    }

    @Test
    void throttlingIsRetriedAfterTheServersRetryAfter() {
        String path = "/fhir/Group/g-throttled/$export";
        TriggerTestStack.fhir.enqueue(
                "GET",
                path,
                RecordedResponse.operationOutcome(429, "throttled", "Too many requests")
                        .withHeader("Retry-After", "2"));
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));

        String exportId = requestGroupExport("g-throttled");

        awaitEvent(ACCEPTED_QUEUE, exportId);
        List<RecordedRequest> attempts = requestsTo(path);
        assertThat(attempts).hasSize(2);
        assertThat(Duration.between(
                        attempts.get(0).receivedAt(), attempts.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        ExportRun run = runs.find(exportId).orElseThrow();
        assertThat(run.status()).isEqualTo(ExportRunStatus.ACCEPTED);
        assertThat(run.kickoffAttempts()).isEqualTo(2);
        assertThat(run.history()).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo("kickoff-retry");
            assertThat(e.detail()).contains("429").contains("retrying in PT2S");
        });
    }

    @Test
    void aServerErrorIsRetried() {
        String path = "/fhir/Group/g-500/$export";
        TriggerTestStack.fhir.enqueue(
                "GET", path, RecordedResponse.operationOutcome(500, "exception", "database unavailable"));
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));

        String exportId = requestGroupExport("g-500");

        awaitEvent(ACCEPTED_QUEUE, exportId);
        assertThat(requestsTo(path)).hasSize(2);
        assertThat(runs.find(exportId).orElseThrow().history())
                .anySatisfy(e -> assertThat(e.detail()).contains("answered 500: database unavailable"));
    }

    @Test
    void aRejectionWithAnOperationOutcomeFailsTheExportWithTheServersDiagnostics() {
        String path = "/fhir/Group/g-rejected/$export";
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("23-bad-type.kickoff"));

        String exportId = requestGroupExport("g-rejected");

        ExportFailed failed = (ExportFailed)
                awaitEvent(TriggerTestStack.failedObserver, exportId).data();
        assertThat(failed.stage()).isEqualTo("kickoff");
        assertThat(failed.httpStatus()).isEqualTo(400);
        assertThat(failed.diagnostics())
                .singleElement()
                .asString()
                .contains("HAPI-2039")
                .contains("Resource type Foo is not a supported resource type!");
        assertThat(requestsTo(path)).hasSize(1);
        given().when()
                .get("/exports/" + exportId)
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error.httpStatus", equalTo(400));
    }

    @Test
    void anUnreachableServerIsRetriedUntilTheAttemptsRunOut() {
        String exportId = given().contentType(ContentType.JSON)
                .body("{\"server\":\"down\",\"level\":\"system\"}")
                .when()
                .post("/exports")
                .then()
                .statusCode(202)
                .extract()
                .path("exportId");

        ExportFailed failed = (ExportFailed)
                awaitEvent(TriggerTestStack.failedObserver, exportId).data();
        assertThat(failed.stage()).isEqualTo("kickoff");
        assertThat(failed.reason()).contains("gave up after 3 attempts").contains("cannot connect to down");
        ExportRun run = runs.find(exportId).orElseThrow();
        assertThat(run.status()).isEqualTo(ExportRunStatus.FAILED);
        assertThat(run.history())
                .filteredOn(e -> e.event().equals("kickoff-retry"))
                .hasSize(2);
    }

    @Test
    void aHandPostedRequestIsTreatedExactlyLikeTheRestCall() {
        String path = "/fhir/Group/g-replay/$export";
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));

        TriggerTestStack.amqp.send(Topics.EXPORT_REQUESTED, """
                {"specversion":"1.0","id":"replay-by-hand-1","source":"/ops/alice",
                 "type":"fhirpipe.export.requested.v1",
                 "data":{"exportId":"replay-g-1","server":"hapi","level":"group","groupId":"g-replay",
                         "types":["Observation"],"typeFilters":["Observation?category=laboratory"],
                         "origin":"replay"}}""");

        awaitEvent(ACCEPTED_QUEUE, "replay-g-1");
        assertThat(requestsTo(path).get(0).rawQuery())
                .isEqualTo("_type=Observation&_typeFilter=Observation%3Fcategory%3Dlaboratory");
        ExportRun run = runs.find("replay-g-1").orElseThrow();
        assertThat(run.status()).isEqualTo(ExportRunStatus.ACCEPTED);
        assertThat(run.request().origin()).isEqualTo("replay");
    }

    @Test
    void aHandPostedInvalidRequestIsDeadLetteredWithItsReason() {
        String body = """
                {"specversion":"1.0","id":"replay-bad-1","source":"/ops/alice",
                 "type":"fhirpipe.export.requested.v1",
                 "data":{"exportId":"replay-bad-1","server":"hapi","level":"group",
                         "types":["Patient","Foo"]}}""";
        TriggerTestStack.amqp.send(Topics.EXPORT_REQUESTED, body);

        ReceivedMessage dead = awaitMessage(
                Topology.deadLetterAddress(Topics.EXPORT_REQUESTED),
                m -> m.body().contains("replay-bad-1"));
        assertThat(dead.applicationProperties())
                .containsEntry("DeadLetterReason", "InvalidMessage")
                .containsEntry("DeadLetterSubscription", Subscriptions.EXPORT_TRIGGER)
                .containsEntry("OriginalMessageId", "event:replay-bad-1");
        assertThat(String.valueOf(dead.applicationProperties().get("DeadLetterErrorDescription")))
                .contains("data.groupId: is required when level is group")
                .contains("data.types[1]: 'Foo' is not a FHIR R4 resource type");
        assertThat(dead.body()).isEqualTo(body);
        assertThat(runs.find("replay-bad-1")).isEmpty();
    }

    @Test
    void aBadRestRequestIsA400ProblemListingEveryField() {
        given().contentType(ContentType.JSON)
                .body("""
                        {"server":"nope","level":"group","types":["Patient","Foo"],"since":"yesterday"}""")
                .when()
                .post("/exports")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", equalTo("Invalid export request"))
                .body("errors.field", hasItems("server", "groupId", "types[1]", "since"))
                .body("detail", equalTo("4 fields are invalid"));

        given().contentType(ContentType.JSON)
                .body("{not json")
                .when()
                .post("/exports")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("(body)"))
                .body("errors[0].problem", startsWith("is not JSON"));
    }

    @Test
    void anUnknownExportIsA404Problem() {
        given().when()
                .get("/exports/no-such-export")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    public static String requestGroupExport(String groupId) {
        return given().contentType(ContentType.JSON)
                .body("{\"server\":\"hapi\",\"level\":\"group\",\"groupId\":\"" + groupId + "\"}")
                .when()
                .post("/exports")
                .then()
                .statusCode(202)
                .extract()
                .path("exportId");
    }

    public static CloudEvent<EventData> awaitEvent(String queue, String exportId) {
        ReceivedMessage message = awaitMessage(
                queue, m -> exportId.equals(m.applicationProperties().get("exportId")));
        return MessageCodec.decode(message.body());
    }

    /** Reads the queue until a matching message arrives; others are consumed and kept aside. */
    public static ReceivedMessage awaitMessage(String queue, Predicate<ReceivedMessage> matches) {
        Instant deadline = Instant.now().plus(WAIT);
        List<ReceivedMessage> seen = new ArrayList<>();
        while (Instant.now().isBefore(deadline)) {
            Optional<ReceivedMessage> next = TriggerTestStack.amqp.receive(queue, Duration.ofMillis(500));
            if (next.isPresent()) {
                if (matches.test(next.get())) {
                    return next.get();
                }
                seen.add(next.get());
            }
        }
        throw new AssertionError(
                "no matching message on " + queue + " within " + WAIT + "; saw " + seen.size() + " others");
    }

    public static List<RecordedRequest> requestsTo(String path) {
        await().atMost(WAIT).until(() -> !recorded(path).isEmpty());
        return recorded(path);
    }

    /** What the FHIR server has received on one path so far. */
    public static List<RecordedRequest> recorded(String path) {
        return TriggerTestStack.fhir.requests().stream()
                .filter(r -> r.path().equals(path))
                .toList();
    }
}
