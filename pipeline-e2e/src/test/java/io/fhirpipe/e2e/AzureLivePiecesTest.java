package io.fhirpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The parts of AzurePipelineLiveTest that need no Azure, run here: settings, the admin API calls and the
 * status polling against a real HTTP server in this process answering as the trigger and a FHIR server do,
 * the conclusions drawn from the answers, the token cache.
 */
class AzureLivePiecesTest {

    static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-part";

    /** What the in-process server was asked. */
    record Seen(String method, String uri, String authorization, String accept, String body) {}

    /** One canned answer. */
    record Canned(int status, String body) {}

    HttpServer server;
    final List<Seen> seen = new ArrayList<>();
    final Deque<Canned> answers = new ArrayDeque<>();
    Canned always;

    String start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Canned answer;
            synchronized (this) {
                seen.add(new Seen(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Accept"),
                        body));
                answer = answers.isEmpty() ? always : answers.poll();
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    AdminApi admin(String base) {
        return new AdminApi(AuthorizedHttp.of(() -> TOKEN), base);
    }

    // --- settings ---

    @Test
    void withoutTheRequiredVariablesEachIsNamedAndBlankCountsAsUnset() {
        assertThat(AzureLiveSettings.missing(name -> null))
                .containsExactly(
                        "FHIRPIPE_AZURE_TRIGGER_URL",
                        "FHIRPIPE_AZURE_ADMIN_SCOPE",
                        "FHIRPIPE_AZURE_FHIR_URL",
                        "FHIRPIPE_SYNAPSE_JDBC_URL");
        Map<String, String> env = Map.of(
                "FHIRPIPE_AZURE_TRIGGER_URL",
                "https://t.example",
                "FHIRPIPE_AZURE_ADMIN_SCOPE",
                " ",
                "FHIRPIPE_AZURE_FHIR_URL",
                "https://f.example");
        assertThat(AzureLiveSettings.missing(env::get))
                .containsExactly("FHIRPIPE_AZURE_ADMIN_SCOPE", "FHIRPIPE_SYNAPSE_JDBC_URL");
        assertThatThrownBy(() -> AzureLiveSettings.from(env::get)).hasMessageContaining("FHIRPIPE_AZURE_ADMIN_SCOPE");
    }

    @Test
    void optionalSettingsDefaultToWhatTheDeploymentConfigures() {
        Map<String, String> env = Map.of(
                "FHIRPIPE_AZURE_TRIGGER_URL",
                "https://trigger.example/",
                "FHIRPIPE_AZURE_ADMIN_SCOPE",
                "api://abc/.default",
                "FHIRPIPE_AZURE_FHIR_URL",
                "https://ws-fhir.fhir.azurehealthcareapis.com/",
                "FHIRPIPE_SYNAPSE_JDBC_URL",
                "jdbc:sqlserver://ws.sql.azuresynapse.net:1433;databaseName=fhirpipe");
        AzureLiveSettings s = AzureLiveSettings.from(env::get);
        assertThat(s.triggerUrl()).isEqualTo("https://trigger.example");
        assertThat(s.fhirServer()).isEqualTo("local");
        assertThat(s.fhirUrl()).isEqualTo("https://ws-fhir.fhir.azurehealthcareapis.com");
        assertThat(s.fhirScope()).isEqualTo("https://ws-fhir.fhir.azurehealthcareapis.com/.default");
        assertThat(s.rawSchema()).isEqualTo("raw");
        assertThat(s.types()).isEmpty();
        assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(30));

        Map<String, String> more = new java.util.HashMap<>(env);
        more.putAll(Map.of(
                "FHIRPIPE_AZURE_FHIR_SERVER",
                "ahds",
                "FHIRPIPE_AZURE_FHIR_SCOPE",
                "https://other/.default",
                "FHIRPIPE_SYNAPSE_RAW_SCHEMA",
                "fhir_raw",
                "FHIRPIPE_AZURE_EXPORT_TYPES",
                "Patient, Observation,,",
                "FHIRPIPE_AZURE_EXPORT_TIMEOUT",
                "pt45m"));
        AzureLiveSettings t = AzureLiveSettings.from(more::get);
        assertThat(t.fhirServer()).isEqualTo("ahds");
        assertThat(t.fhirScope()).isEqualTo("https://other/.default");
        assertThat(t.rawSchema()).isEqualTo("fhir_raw");
        assertThat(t.types()).containsExactly("Patient", "Observation");
        assertThat(t.timeout()).isEqualTo(Duration.ofMinutes(45));

        Map<String, String> secret = new java.util.HashMap<>(env);
        secret.put("FHIRPIPE_SYNAPSE_JDBC_URL", "jdbc:sqlserver://ws:1433;databaseName=f;password=hunter2");
        assertThatThrownBy(() -> AzureLiveSettings.from(secret::get))
                .hasMessageContaining("must not carry credentials")
                .hasMessageNotContaining("hunter2");
    }

    // --- the admin API ---

    @Test
    void anExportIsRequestedWithTheDocumentedBodyAndTheBearerToken() throws Exception {
        String base = start();
        answers.add(
                new Canned(202, "{\"exportId\":\"exp-1\",\"status\":\"requested\",\"statusUrl\":\"/exports/exp-1\"}"));
        answers.add(
                new Canned(202, "{\"exportId\":\"exp-2\",\"status\":\"requested\",\"statusUrl\":\"/exports/exp-2\"}"));

        assertThat(admin(base).requestExport("local", List.of("Patient", "Observation")))
                .isEqualTo("exp-1");
        assertThat(admin(base).requestExport("ahds", List.of())).isEqualTo("exp-2");

        assertThat(seen)
                .extracting(Seen::method, Seen::uri, Seen::authorization)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("POST", "/exports", "Bearer " + TOKEN));
        assertThat(AuthorizedHttp.JSON.readTree(seen.get(0).body()))
                .isEqualTo(AuthorizedHttp.JSON.readTree(
                        "{\"server\":\"local\",\"level\":\"system\",\"types\":[\"Patient\",\"Observation\"]}"));
        assertThat(AuthorizedHttp.JSON.readTree(seen.get(1).body()))
                .as("no types: every type")
                .isEqualTo(AuthorizedHttp.JSON.readTree("{\"server\":\"ahds\",\"level\":\"system\"}"));
    }

    @Test
    void aRefusedRequestFailsWithTheProblemAndNeverTheToken() throws Exception {
        String base = start();
        answers.add(new Canned(
                400,
                "{\"type\":\"urn:fhirpipe:problem:invalid-export-request\",\"status\":400,"
                        + "\"errors\":[{\"field\":\"server\",\"problem\":\"'nope' is not a configured server\"}]}"));

        assertThatThrownBy(() -> admin(base).requestExport("nope", List.of()))
                .hasMessageContaining("400")
                .hasMessageContaining("is not a configured server")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void pollingWaitsOutUnfinishedRunsAndServerErrorsUntilLoaded() throws Exception {
        String base = start();
        answers.add(new Canned(200, "{\"exportId\":\"exp-1\",\"status\":\"REQUESTED\"}"));
        answers.add(new Canned(503, "{\"status\":503,\"title\":\"Service unavailable\"}"));
        answers.add(new Canned(502, "<html>Bad Gateway</html>"));
        answers.add(new Canned(
                200, "{\"exportId\":\"exp-1\",\"status\":\"EXPORTED\",\"progress\":{\"state\":\"loading\"}}"));
        answers.add(new Canned(200, "{\"exportId\":\"exp-1\",\"status\":\"LOADED\",\"progress\":{\"mismatches\":[]}}"));

        JsonNode run = admin(base).awaitFinal("exp-1", Duration.ofSeconds(20), Duration.ofMillis(10));

        assertThat(run.path("status").asText()).isEqualTo("LOADED");
        assertThat(seen).hasSize(5).allSatisfy(s -> {
            assertThat(s.method()).isEqualTo("GET");
            assertThat(s.uri()).isEqualTo("/exports/exp-1");
            assertThat(s.authorization()).isEqualTo("Bearer " + TOKEN);
        });
    }

    @Test
    void aFailedRunIsFinalAndItsReasonsAreReadFromTheStatus() throws Exception {
        String base = start();
        always = new Canned(200, """
                {"exportId":"exp-9","status":"FAILED",
                 "error":{"stage":"load","reason":"1 chunk(s) failed","diagnostics":["Observation chunk 3: COPY INTO failed"]},
                 "progress":{"state":"failed","detail":"1 chunk(s) failed","failedChunks":["exp-9/Observation-1.ndjson#3: COPY INTO failed"],
                   "mismatches":[]},
                 "history":[]}""");

        JsonNode run = admin(base).awaitFinal("exp-9", Duration.ofSeconds(20), Duration.ofMillis(10));

        assertThat(run.path("status").asText()).isEqualTo("FAILED");
        assertThat(seen).hasSize(1);
        assertThat(LiveChecks.failureReasons(run))
                .containsExactly(
                        "load: 1 chunk(s) failed; Observation chunk 3: COPY INTO failed",
                        "failed chunk: exp-9/Observation-1.ndjson#3: COPY INTO failed",
                        "progress: 1 chunk(s) failed");
        assertThat(LiveChecks.failureReasons(AuthorizedHttp.JSON.readTree(
                        "{\"status\":\"CANCELLED\",\"history\":[{\"event\":\"cancelled\"}]}")))
                .singleElement()
                .asString()
                .contains("cancelled");
    }

    @Test
    void anUnauthorizedAnswerFailsAtOnceWithoutTheToken() throws Exception {
        String base = start();
        always = new Canned(401, "{\"status\":401,\"title\":\"Unauthorized\"}");

        assertThatThrownBy(() -> admin(base).awaitFinal("exp-1", Duration.ofSeconds(20), Duration.ofMillis(10)))
                .hasMessageContaining("answered 401")
                .hasMessageNotContaining(TOKEN);
        assertThat(seen).hasSize(1);
    }

    @Test
    void aRunThatIsNotFinalInTimeFailsWithItsLastState() throws Exception {
        String base = start();
        always = new Canned(
                200,
                "{\"exportId\":\"exp-1\",\"status\":\"EXPORTED\","
                        + "\"progress\":{\"state\":\"loading\",\"detail\":\"12 of 40 chunks loaded\"}}");

        assertThatThrownBy(() -> admin(base).awaitFinal("exp-1", Duration.ofMillis(300), Duration.ofMillis(20)))
                .hasMessageContaining("not final within PT0.3S")
                .hasMessageContaining("EXPORTED loading 12 of 40 chunks loaded");
        assertThat(seen.size()).isGreaterThan(1);
    }

    @Test
    void deadLettersAreCountedPerSubscriptionAndPeekedForTheExport() throws Exception {
        String base = start();
        answers.add(new Canned(200, """
                [{"topic":"chunk-ready","subscription":"synapse-loader","count":2},
                 {"topic":"file-ready","subscription":"ndjson-splitter","count":0}]"""));
        answers.add(new Canned(200, """
                [{"messageId":"m-1","reason":"MaxDeliveryCountExceeded","properties":{"exportId":"exp-1"}},
                 {"messageId":"m-2","reason":"InvalidMessage","properties":{"exportId":"exp-0"}},
                 {"messageId":"m-3","properties":{},"body":"{\\"type\\":\\"io.fhirpipe.chunk.ready\\",\\"data\\":{\\"exportId\\":\\"exp-1\\"}}"},
                 {"messageId":"m-4","properties":{},"body":"not json"}]"""));

        AdminApi api = admin(base);
        Map<String, Long> counts = api.deadLetterCounts();
        assertThat(counts)
                .containsExactly(
                        Map.entry("chunk-ready/synapse-loader", 2L), Map.entry("file-ready/ndjson-splitter", 0L));
        assertThat(api.deadLettersOf("chunk-ready/synapse-loader", "exp-1", 500))
                .containsExactly("m-1", "m-3");
        assertThat(seen)
                .extracting(Seen::uri)
                .containsExactly("/dead-letters", "/dead-letters/chunk-ready/synapse-loader?max=500");
        assertThat(seen).extracting(Seen::authorization).containsOnly("Bearer " + TOKEN);
    }

    @Test
    void onlySubscriptionsThatGainedDeadLettersAreReported() {
        Map<String, Long> before = Map.of("a/x", 3L, "b/y", 0L, "c/z", 1L);
        Map<String, Long> after = Map.of("a/x", 3L, "b/y", 2L, "c/z", 0L, "d/new", 1L);
        assertThat(LiveChecks.grownDeadLetters(before, after))
                .containsExactly(Map.entry("b/y", "0 -> 2"), Map.entry("d/new", "0 -> 1"));
        assertThat(LiveChecks.grownDeadLetters(before, before)).isEmpty();
    }

    // --- the FHIR server ---

    @Test
    void theSourceCountIsTheBundleTotalOfASummaryCountSearch() throws Exception {
        String base = start();
        answers.add(new Canned(200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":1234}"));
        answers.add(new Canned(403, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"code\":\"forbidden\"}]}"));
        FhirSource fhir = new FhirSource(AuthorizedHttp.of(() -> TOKEN), base);

        assertThat(fhir.total("Observation")).isEqualTo(1234);
        assertThatThrownBy(() -> fhir.total("Patient"))
                .hasMessageContaining("Patient?_summary=count answered 403")
                .hasMessageContaining("forbidden")
                .hasMessageNotContaining(TOKEN);
        assertThat(seen.get(0).uri()).isEqualTo("/Observation?_summary=count");
        assertThat(seen.get(0).accept()).isEqualTo("application/fhir+json");
        assertThat(seen.get(0).authorization()).isEqualTo("Bearer " + TOKEN);
    }

    // --- conclusions ---

    @Test
    void exportedTypesAreTheStatusTypesWithoutDeletedAndErrorEntries() throws Exception {
        JsonNode run = AuthorizedHttp.JSON.readTree("""
                {"status":"LOADED","progress":{"mismatches":["Patient: manifest 10, lines 9"],"types":{
                  "Patient":{},"Observation":{},"deleted:Observation":{},"error:OperationOutcome":{}}}}""");
        assertThat(LiveChecks.exportedTypes(run)).containsExactly("Observation", "Patient");
        assertThat(LiveChecks.mismatches(run)).containsExactly("Patient: manifest 10, lines 9");
    }

    @Test
    void countsThatDifferAreListedPerTypeAndAMissingSideCountsAsZero() {
        assertThat(LiveChecks.countDifferences(
                        Map.of("Patient", 200L, "Observation", 5000L), Map.of("Patient", 200L, "Observation", 5000L)))
                .isEmpty();
        assertThat(LiveChecks.countDifferences(
                        Map.of("Patient", 200L, "Observation", 5000L, "Condition", 7L),
                        Map.of("Patient", 199L, "Observation", 5000L)))
                .containsExactly("Condition: FHIR server 7, warehouse 0", "Patient: FHIR server 200, warehouse 199");
    }

    @Test
    void rawTablesAreQuotedAndOnlyResourceTypesReachTheSql() {
        assertThat(WarehouseCounts.rawTable("raw", "MedicationRequest")).isEqualTo("[raw].[MedicationRequest]");
        assertThat(WarehouseCounts.rawTable("odd]schema", "Patient")).isEqualTo("[odd]]schema].[Patient]");
        assertThatThrownBy(() -> WarehouseCounts.rawTable("raw", "Patient]; DROP TABLE x--"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(WarehouseCounts.server("jdbc:sqlserver://ws.sql.azuresynapse.net:1433;databaseName=fhirpipe"))
                .isEqualTo("jdbc:sqlserver://ws.sql.azuresynapse.net:1433");
    }

    // --- tokens ---

    @Test
    void aTokenIsReusedUntilFiveMinutesBeforeItExpires() {
        AtomicInteger asked = new AtomicInteger();
        List<String> scopes = new ArrayList<>();
        MovableClock clock = new MovableClock(Instant.parse("2026-12-03T12:00:00Z"));
        TokenCredential credential = request -> {
            scopes.addAll(request.getScopes());
            int n = asked.incrementAndGet();
            return Mono.just(new AccessToken(
                    "token-" + n,
                    OffsetDateTime.ofInstant(clock.instant().plus(Duration.ofMinutes(60)), ZoneOffset.UTC)));
        };
        BearerTokens tokens = new BearerTokens(credential, "api://abc/.default", clock);

        assertThat(tokens.get()).isEqualTo("token-1");
        clock.now = clock.now.plus(Duration.ofMinutes(54));
        assertThat(tokens.get()).isEqualTo("token-1");
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertThat(tokens.get()).as("within the margin").isEqualTo("token-2");
        assertThat(scopes).containsOnly("api://abc/.default");
        assertThat(tokens.toString()).doesNotContain("token-");
    }

    static final class MovableClock extends Clock {
        Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
