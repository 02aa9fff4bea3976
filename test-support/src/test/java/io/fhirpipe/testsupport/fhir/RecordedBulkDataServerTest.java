package io.fhirpipe.testsupport.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecordedBulkDataServerTest {

    private static final String RECORDED_JOB = "62fb7ce6-db49-47b6-9dac-3f1c4afd76bc";

    private static RecordedBulkDataServer fhir;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        fhir = RecordedBulkDataServer.start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        fhir.close();
    }

    @BeforeEach
    void reset() {
        fhir.reset();
    }

    @Test
    void replaysTheRecordedKickOffWithTheContentLocationPointingHere() throws Exception {
        fhir.enqueue("GET", "/$export", RecordedResponse.fixture("01-system-kickoff"));

        HttpResponse<String> response = get("$export", "Prefer", "respond-async", "Accept", "application/fhir+json");

        assertThat(fhir.baseUrl()).isEqualTo("http://127.0.0.1:" + fhir.port() + "/fhir");
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Location"))
                .contains(fhir.baseUrl() + "/$export-poll-status?_jobId=" + RECORDED_JOB);
        assertThat(response.headers().firstValue("X-Powered-By"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("HAPI FHIR 8.8.0"));
        assertThat(response.body()).isEmpty();
    }

    @Test
    void replaysARecordedOperationOutcomeError() throws Exception {
        fhir.enqueue("GET", "/$export", RecordedResponse.fixture("23-bad-type.kickoff"));

        HttpResponse<String> response = get("$export?_type=Foo", "Prefer", "respond-async");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/fhir+json;charset=UTF-8");
        assertThat(response.body())
                .contains("\"resourceType\": \"OperationOutcome\"")
                .contains("HAPI-2039")
                .contains("Resource type Foo is not a supported resource type!");
    }

    @Test
    void aManifestsOutputUrlsAreRewrittenToThisServer() throws Exception {
        fhir.enqueue("GET", "/$export-poll-status", RecordedResponse.fixture("03-system-manifest"));

        HttpResponse<String> response = get("$export-poll-status?_jobId=" + RECORDED_JOB);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"url\" : \"" + fhir.baseUrl() + "/Binary/")
                .contains("\"requiresAccessToken\" : true")
                .doesNotContain("127.0.0.1:8080");
        assertThat(response.headers().firstValue("Content-Length"))
                .contains(Integer.toString(response.body().length()));
    }

    @Test
    void theMiniServerRecordingsOnPort8090AreRewrittenToo() throws Exception {
        fhir.enqueue("GET", "/$export", RecordedResponse.fixture("70-mini-system.kickoff"));

        HttpResponse<String> response = get("$export", "Prefer", "respond-async");

        assertThat(response.headers().firstValue("Content-Location"))
                .hasValueSatisfying(
                        location -> assertThat(location).startsWith(fhir.baseUrl() + "/$export-poll-status?_jobId="));
    }

    @Test
    void recordsMethodRawPathAndQueryHeadersAndBody() throws Exception {
        fhir.always("POST", "/Patient/$export", RecordedResponse.of(202));

        get(
                "$export?_since=2026-01-01T00:00:00%2B00:00&_type=Patient,Observation",
                "Prefer", "respond-async", "Authorization", "Bearer t0ken");
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(URI.create(fhir.url("Patient/$export")))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        List<RecordedRequest> requests = fhir.awaitRequests(2, Duration.ofSeconds(5));
        RecordedRequest kickOff = requests.get(0);
        assertThat(kickOff.method()).isEqualTo("GET");
        assertThat(kickOff.path()).isEqualTo("/fhir/$export");
        assertThat(kickOff.rawQuery()).isEqualTo("_since=2026-01-01T00:00:00%2B00:00&_type=Patient,Observation");
        assertThat(kickOff.target())
                .isEqualTo("/fhir/$export?_since=2026-01-01T00:00:00%2B00:00&_type=Patient,Observation");
        assertThat(kickOff.header("prefer")).contains("respond-async");
        assertThat(kickOff.header("AUTHORIZATION")).contains("Bearer t0ken");
        assertThat(kickOff.toString()).doesNotContain("t0ken");
        assertThat(kickOff.body()).isEmpty();

        assertThat(kickOff.receivedAt()).isBeforeOrEqualTo(requests.get(1).receivedAt());
        assertThat(post.statusCode()).isEqualTo(202);
        RecordedRequest posted = requests.get(1);
        assertThat(posted.method()).isEqualTo("POST");
        assertThat(posted.rawQuery()).isNull();
        assertThat(posted.header("Content-Type")).contains("application/fhir+json");
        assertThat(posted.bodyText()).isEqualTo("{\"resourceType\":\"Parameters\"}");
    }

    @Test
    void servesQueuedResponsesInOrderThenTheStickyOne() throws Exception {
        fhir.enqueue("GET", "/$export-poll-status", RecordedResponse.fixture("02-system-poll-queued"))
                .enqueue("GET", "/$export-poll-status", RecordedResponse.fixture("02-system-poll-inprogress"))
                .always("GET", "/$export-poll-status", RecordedResponse.fixture("03-system-manifest"));

        HttpResponse<String> first = get("$export-poll-status?_jobId=x");
        HttpResponse<String> second = get("$export-poll-status?_jobId=x");
        HttpResponse<String> third = get("$export-poll-status?_jobId=x");
        HttpResponse<String> fourth = get("$export-poll-status?_jobId=x");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("X-Progress"))
                .hasValueSatisfying(v -> assertThat(v).contains("QUEUED"));
        assertThat(first.headers().firstValue("Retry-After")).contains("120");
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(second.headers().firstValue("X-Progress"))
                .hasValueSatisfying(v -> assertThat(v).contains("IN_PROGRESS"));
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(fourth.statusCode()).isEqualTo(200);
        assertThat(fourth.body()).isEqualTo(third.body());
    }

    @Test
    void aPrefixMatchesAtPathBoundariesAndTheLongestWins() throws Exception {
        fhir.always("GET", "/$export", RecordedResponse.of(202).withHeader("X-Which", "kick-off"))
                .always("GET", "/fhir/Group/", RecordedResponse.of(202).withHeader("X-Which", "any group"))
                .always("GET", "/Group/g1/$export", RecordedResponse.of(202).withHeader("X-Which", "group g1"));

        assertThat(get("$export?_type=Patient").headers().firstValue("X-Which")).contains("kick-off");
        assertThat(get("$export-poll-status?_jobId=1").statusCode())
                .as("/$export is no prefix of /$export-poll-status")
                .isEqualTo(404);
        assertThat(get("Group/g1/$export").headers().firstValue("X-Which")).contains("group g1");
        assertThat(get("Group/g2/$export").headers().firstValue("X-Which")).contains("any group");
        assertThat(get("$export").headers().firstValue("X-Which")).contains("kick-off");
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create(fhir.url("$export")))
                                        .DELETE()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .as("another method")
                .isEqualTo(404);
    }

    @Test
    void aHandBuiltResponseCarriesItsStatusHeadersAndBody() throws Exception {
        fhir.enqueue(
                "GET",
                "/$export",
                RecordedResponse.of(429)
                        .withHeader("Retry-After", "2")
                        .withBody("application/fhir+json", "{\"resourceType\":\"OperationOutcome\"}"));

        HttpResponse<String> response = get("$export");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).contains("2");
        assertThat(response.headers().allValues("Content-Type")).containsExactly("application/fhir+json");
        assertThat(response.body()).isEqualTo("{\"resourceType\":\"OperationOutcome\"}");
    }

    @Test
    void anUnscriptedRequestGets404WithAnOperationOutcome() throws Exception {
        HttpResponse<String> response = get("Binary/abc");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/fhir+json"));
        assertThat(response.body())
                .contains("\"resourceType\":\"OperationOutcome\"")
                .contains("GET /fhir/Binary/abc");
        assertThat(fhir.requests()).hasSize(1);
    }

    @Test
    void aScriptedConnectionDropClosesTheConnectionWithoutAResponse() throws Exception {
        fhir.enqueueConnectionDrop("POST", "/$export")
                .enqueue("POST", "/$export", RecordedResponse.fixture("18-post-parameters.kickoff"));
        HttpRequest kickOff = HttpRequest.newBuilder(URI.create(fhir.url("$export")))
                .header("Prefer", "respond-async")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}"))
                .build();

        assertThatThrownBy(() -> http.send(kickOff, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(fhir.requests()).hasSize(1);
        assertThat(http.send(kickOff, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(202);
        assertThat(fhir.requests()).hasSize(2);
    }

    @Test
    void theJdkClientRetriesAGetOnceAfterADropSoOnlyAPersistentDropFailsIt() throws Exception {
        fhir.enqueueConnectionDrop("GET", "/$export-poll-status")
                .enqueue("GET", "/$export-poll-status", RecordedResponse.fixture("02-system-poll-inprogress"));

        assertThat(get("$export-poll-status?_jobId=x").statusCode()).isEqualTo(202);
        assertThat(fhir.requests()).hasSize(2);

        fhir.reset();
        fhir.alwaysConnectionDrop("GET", "/$export-poll-status");
        assertThatThrownBy(() -> get("$export-poll-status?_jobId=x")).isInstanceOf(IOException.class);
        assertThat(fhir.requests()).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aDelayedResponseArrivesLate() throws Exception {
        fhir.enqueue(
                "GET",
                "/metadata",
                RecordedResponse.json(200, "{\"resourceType\":\"CapabilityStatement\"}")
                        .delayedBy(Duration.ofMillis(400)));
        long t0 = System.nanoTime();

        HttpResponse<String> response = get("metadata");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void servesARecordedNdjsonDownloadWithoutHeadersFile() throws Exception {
        fhir.enqueue(
                "GET",
                "/Binary/",
                RecordedResponse.fixtureBody("04-binary-patient-noaccept.body", 200, "application/fhir+ndjson"));

        HttpResponse<String> response = get("Binary/8KIefoM3FyHVvU5rtjMcepG8DqCxXlkj");

        assertThat(response.headers().firstValue("Content-Type")).contains("application/fhir+ndjson");
        assertThat(response.body().lines().findFirst().orElseThrow()).startsWith("{\"resourceType\":\"Patient\"");
    }

    @Test
    void awaitRequestsNamesWhatArrivedWhenTooFewCame() throws Exception {
        get("metadata");
        assertThatThrownBy(() -> fhir.awaitRequests(2, Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("got 1")
                .hasMessageContaining("GET /fhir/metadata");
    }

    private static HttpResponse<String> get(String relative, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(fhir.url(relative))).timeout(Duration.ofSeconds(5));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
