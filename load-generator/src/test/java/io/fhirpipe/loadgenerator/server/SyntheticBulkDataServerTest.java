package io.fhirpipe.loadgenerator.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.loadgenerator.synthetic.Population;
import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SyntheticBulkDataServerTest {

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
    void aSystemExportServesPagedManifestsWhoseFilesHoldEveryResourceOnce() throws Exception {
        server = SyntheticBulkDataServer.start(ServerOptions.parse(new String[] {
            "--patients",
            "30",
            "--per-file",
            "50",
            "--manifest-page",
            "3",
            "--pending-polls",
            "1",
            "--kickoff-429",
            "1",
            "--deleted",
            "2",
            "--errors",
            "2"
        }));
        assertThat(get(server.baseUrl() + "/$export").statusCode()).isEqualTo(429);
        HttpResponse<String> accepted = get(server.baseUrl() + "/$export");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String status = accepted.headers().firstValue("Content-Location").orElseThrow();
        HttpResponse<String> pending = get(status);
        assertThat(pending.statusCode()).isEqualTo(202);
        assertThat(pending.headers().firstValue("Retry-After")).contains("1");

        List<JsonNode> output = new ArrayList<>();
        List<JsonNode> deleted = new ArrayList<>();
        List<JsonNode> errors = new ArrayList<>();
        int pages = 0;
        for (String page = status; page != null; pages++) {
            HttpResponse<String> response = get(page);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode manifest = JSON.readTree(response.body());
            assertThat(manifest.path("transactionTime").asText()).isNotEmpty();
            manifest.path("output").forEach(output::add);
            manifest.path("deleted").forEach(deleted::add);
            manifest.path("error").forEach(errors::add);
            page = manifest.path("link").isEmpty()
                    ? null
                    : manifest.path("link").get(0).path("url").asText();
        }
        assertThat(pages).isGreaterThan(1);

        Population population = server.population();
        Map<String, Long> lines = new HashMap<>();
        for (JsonNode file : output) {
            List<String> body = get(file.path("url").asText()).body().lines().toList();
            assertThat((long) body.size()).isEqualTo(file.path("count").asLong());
            for (String line : body) {
                assertThat(JSON.readTree(line).path("resourceType").asText())
                        .isEqualTo(file.path("type").asText());
            }
            lines.merge(file.path("type").asText(), (long) body.size(), Long::sum);
        }
        for (SyntheticType t : SyntheticType.values()) {
            assertThat(lines.get(t.resourceType())).as(t.resourceType()).isEqualTo(population.count(t));
        }
        assertThat(deleted)
                .hasSize(SyntheticType.values().length)
                .allSatisfy(f -> assertThat(f.path("type").asText()).isEqualTo("Bundle"));
        JsonNode bundle = JSON.readTree(get(deleted.get(0).path("url").asText())
                .body()
                .lines()
                .findFirst()
                .orElseThrow());
        assertThat(bundle.path("type").asText()).isEqualTo("transaction");
        assertThat(bundle.path("entry").get(0).path("request").path("method").asText())
                .isEqualTo("DELETE");
        assertThat(errors).hasSize(1);
        assertThat(get(errors.get(0).path("url").asText()).body()).contains("\"resourceType\":\"OperationOutcome\"");

        JsonNode stats =
                JSON.readTree(get(server.baseUrl().replace("/fhir", "/stats")).body());
        assertThat(stats.path("lines").asLong()).isEqualTo(population.count(java.util.Set.of(SyntheticType.values())));
    }

    @Test
    void aPatientLevelExportHoldsOnlyThePatientCompartmentAndHonoursPostedTypes() throws Exception {
        server = SyntheticBulkDataServer.start(
                ServerOptions.parse(new String[] {"--patients", "10", "--pending-polls", "0"}));
        HttpResponse<String> all = get(server.baseUrl() + "/Group/all/$export");
        JsonNode manifest = JSON.readTree(
                get(all.headers().firstValue("Content-Location").orElseThrow()).body());
        List<String> types = new ArrayList<>();
        manifest.path("output").forEach(f -> types.add(f.path("type").asText()));
        assertThat(types).contains("Patient", "Observation").doesNotContain("Practitioner", "Organization", "Location");

        String parameters = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"_type\","
                + "\"valueString\":\"Patient,Condition\"}]}";
        HttpResponse<String> posted = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Patient/$export"))
                        .POST(HttpRequest.BodyPublishers.ofString(parameters))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(202);
        JsonNode two = JSON.readTree(
                get(posted.headers().firstValue("Content-Location").orElseThrow())
                        .body());
        List<String> postedTypes = new ArrayList<>();
        two.path("output").forEach(f -> postedTypes.add(f.path("type").asText()));
        assertThat(postedTypes).containsExactly("Patient", "Condition");
    }

    @Test
    void aFileStreamsLineByLineWithoutBufferingTheWholeFile() throws IOException {
        Population population = Population.ofPatients(1, 2000);
        ServerOptions options = ServerOptions.parse(new String[] {"--patients", "2000", "--per-file", "1000000"});
        ExportFiles.FileEntry observations = ExportFiles.of(population, List.of(SyntheticType.OBSERVATION), options)
                .get(0);
        long[] largestWrite = {0};
        long[] total = {0};
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                total[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                largestWrite[0] = Math.max(largestWrite[0], len);
                total[0] += len;
            }
        };
        ExportFiles.write(observations, population, Faults.NONE, sink, new ServeStats());
        assertThat(total[0]).isGreaterThan(10L << 20);
        assertThat(largestWrite[0]).isLessThan(16 * 1024);
    }

    @Test
    void anInjectedFileFailureHappensOnceThenTheFileIsServed() throws Exception {
        server = SyntheticBulkDataServer.start(ServerOptions.parse(
                new String[] {"--patients", "5", "--pending-polls", "0", "--file-503-every", "1", "--types", "Patient"
                }));
        String status = get(server.baseUrl() + "/$export")
                .headers()
                .firstValue("Content-Location")
                .orElseThrow();
        String url = JSON.readTree(get(status).body())
                .path("output")
                .get(0)
                .path("url")
                .asText();
        assertThat(get(url).statusCode()).isEqualTo(503);
        assertThat(get(url).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
