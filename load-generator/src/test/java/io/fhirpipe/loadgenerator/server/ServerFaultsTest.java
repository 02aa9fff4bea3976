package io.fhirpipe.loadgenerator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.model.ndjson.JsonLineCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each fault of the fault suite, against the real server over loopback HTTP. */
class ServerFaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private SyntheticBulkDataServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theServerAnswers500AtKickOffStatusAndFileAndTheRetriesSucceed() throws Exception {
        start(
                "--patients",
                "5",
                "--types",
                "Patient,Condition",
                "--pending-polls",
                "0",
                "--kickoff-500",
                "1",
                "--status-500-every",
                "2",
                "--file-500-every",
                "1");
        HttpResponse<String> failed = get(server.baseUrl() + "/$export");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(failed.body())
                        .path("issue")
                        .get(0)
                        .path("code")
                        .asText())
                .isEqualTo("transient");
        String status = get(server.baseUrl() + "/$export")
                .headers()
                .firstValue("Content-Location")
                .orElseThrow();

        assertThat(get(status).statusCode()).isEqualTo(200);
        HttpResponse<String> second = get(status);
        assertThat(second.statusCode()).isEqualTo(500);
        assertThat(second.headers().firstValue("Retry-After")).contains("1");
        assertThat(JSON.readTree(second.body())
                        .path("issue")
                        .get(0)
                        .path("code")
                        .asText())
                .isEqualTo("transient");
        JsonNode manifest = JSON.readTree(get(status).body());

        for (JsonNode file : manifest.path("output")) {
            assertThat(get(file.path("url").asText()).statusCode()).isEqualTo(500);
            HttpResponse<String> retried = get(file.path("url").asText());
            assertThat(retried.statusCode()).isEqualTo(200);
            assertThat(retried.body().lines().count())
                    .isEqualTo(file.path("count").asLong());
        }
        assertThat(stats().path("failuresInjected").asInt())
                .isEqualTo(2 + manifest.path("output").size());
    }

    @Test
    void slowResponsesWaitBeforeAnsweringAndTrickleTheirBodies() throws Exception {
        start(
                "--patients",
                "3",
                "--types",
                "Observation",
                "--pending-polls",
                "0",
                "--delay-ms",
                "400",
                "--bytes-per-second",
                "20000");
        long started = System.nanoTime();
        assertThat(get(server.baseUrl() + "/metadata").statusCode()).isEqualTo(200);
        assertThat(millisSince(started)).isGreaterThanOrEqualTo(400);

        String status = get(server.baseUrl() + "/$export")
                .headers()
                .firstValue("Content-Location")
                .orElseThrow();
        String url = JSON.readTree(get(status).body())
                .path("output")
                .get(0)
                .path("url")
                .asText();
        started = System.nanoTime();
        HttpResponse<String> file = get(url);
        long bytes = file.body().getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).isGreaterThan(40_000);
        // At 20,000 bytes/s the body alone takes bytes / 20 ms, whatever the machine's speed.
        assertThat(millisSince(started)).isGreaterThanOrEqualTo(400 + bytes / 20 - 100);
    }

    @Test
    void aDroppedConnectionEndsTheFirstDownloadMidBodyAndTheRetryGetsTheWholeFile() throws Exception {
        start("--patients", "20", "--types", "Patient,Encounter", "--pending-polls", "0", "--drop-every", "1");
        String status = get(server.baseUrl() + "/$export")
                .headers()
                .firstValue("Content-Location")
                .orElseThrow();
        JsonNode manifest = JSON.readTree(get(status).body());
        for (JsonNode file : manifest.path("output")) {
            String url = file.path("url").asText();
            byte[][] partial = {null};
            assertThatThrownBy(() -> partial[0] = HTTP.send(
                                    HttpRequest.newBuilder(URI.create(url))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray())
                            .body())
                    .isInstanceOf(IOException.class);
            HttpResponse<String> retried = get(url);
            assertThat(retried.statusCode()).isEqualTo(200);
            assertThat(retried.body().lines().count())
                    .isEqualTo(file.path("count").asLong());
            assertThat(retried.body()).endsWith("\n");
        }
        assertThat(stats().path("failuresInjected").asInt())
                .isEqualTo(manifest.path("output").size());
    }

    @Test
    void anExportThatNeverFinishesAnswers202WithRetryAfterUntilDeleted() throws Exception {
        start("--patients", "3", "--pending-polls", "1", "--never-finish", "true", "--retry-after", "2");
        String status = get(server.baseUrl() + "/$export")
                .headers()
                .firstValue("Content-Location")
                .orElseThrow();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> poll = get(status);
            assertThat(poll.statusCode()).isEqualTo(202);
            assertThat(poll.headers().firstValue("Retry-After")).contains("2");
        }
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(URI.create(status))
                                        .DELETE()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(202);
        assertThat(get(status).statusCode()).isEqualTo(404);
        assertThat(server.expected(List.of(), false).completes()).isFalse();
        assertThat(server.expected(List.of(), false).resources()).isEmpty();
    }

    @Test
    void malformedOversizedAndTruncatedLinesAreServedExactlyWhereTheExpectedOutcomeSays() throws Exception {
        int limit = 4096;
        start(
                "--patients",
                "40",
                "--types",
                "Patient,Encounter,Condition",
                "--per-file",
                "30",
                "--pending-polls",
                "0",
                "--malformed-every",
                "7",
                "--oversized-every",
                "2",
                "--oversized-bytes",
                Integer.toString(limit + 1),
                "--truncated-every",
                "3",
                "--deleted",
                "2");
        String status = get(server.baseUrl() + "/$export")
                .headers()
                .firstValue("Content-Location")
                .orElseThrow();
        JsonNode manifest = JSON.readTree(get(status).body());

        Map<String, Map<String, String>> loadable = new TreeMap<>();
        List<String> rejected = new ArrayList<>();
        int files = 0;
        for (JsonNode file : manifest.path("output")) {
            files++;
            String type = file.path("type").asText();
            String url = file.path("url").asText();
            String name = url.substring(url.indexOf("/output/") + 1);
            String body = get(url).body();
            List<String> lines = body.lines().toList();
            assertThat((long) lines.size())
                    .as(name)
                    .isEqualTo(file.path("count").asLong());
            assertThat(body.endsWith("\n")).as(name + " ends with a newline").isEqualTo(files % 3 != 0);
            JsonLineCheck check = JsonLineCheck.resources(type, "file");
            for (int k = 0; k < lines.size(); k++) {
                byte[] line = lines.get(k).getBytes(StandardCharsets.UTF_8);
                String kind;
                if (line.length > limit) {
                    kind = "OVERSIZED";
                    assertThat(JSON.readTree(line).path("resourceType").asText())
                            .isEqualTo(type);
                } else if (check.check(line, 0, line.length) != null) {
                    kind = k == lines.size() - 1 && !body.endsWith("\n") ? "TRUNCATED" : "MALFORMED";
                } else {
                    JsonNode resource = JSON.readTree(line);
                    loadable.computeIfAbsent(type, t -> new TreeMap<>())
                            .put(
                                    resource.path("id").asText(),
                                    resource.path("meta").path("versionId").asText());
                    continue;
                }
                rejected.add(name + ":" + (k + 1) + ":" + kind);
            }
        }
        assertThat(files).isGreaterThan(6);

        ExpectedOutcome expected = ExpectedOutcome.of(ServerOptions.parse(args));
        assertThat(expected.completes()).isTrue();
        assertThat(expected.resources()).isEqualTo(loadable);
        assertThat(expected.rejected().stream()
                        .map(r -> r.file() + ":" + r.lineNumber() + ":" + r.kind())
                        .toList())
                .isEqualTo(rejected);
        assertThat(rejected)
                .anyMatch(r -> r.endsWith("MALFORMED"))
                .anyMatch(r -> r.endsWith("OVERSIZED"))
                .anyMatch(r -> r.endsWith("TRUNCATED"));
        assertThat(expected.deleted().get("Patient"))
                .hasSize(2)
                .doesNotContainAnyElementsOf(loadable.get("Patient").keySet());

        JsonNode overHttp = JSON.readTree(
                get(server.baseUrl().replace("/fhir", "/expected")).body());
        assertThat(overHttp.path("rejected").size()).isEqualTo(rejected.size());
        assertThat(overHttp.path("resources").path("Patient").size())
                .isEqualTo(loadable.get("Patient").size());
        assertThat(overHttp.path("counts").path("Encounter").asInt())
                .isEqualTo(loadable.get("Encounter").size());
    }

    private String[] args;

    private void start(String... args) {
        this.args = args;
        server = SyntheticBulkDataServer.start(ServerOptions.parse(args));
    }

    private JsonNode stats() throws Exception {
        return JSON.readTree(get(server.baseUrl().replace("/fhir", "/stats")).body());
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
