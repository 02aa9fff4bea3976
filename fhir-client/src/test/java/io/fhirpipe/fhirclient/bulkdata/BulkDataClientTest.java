package io.fhirpipe.fhirclient.bulkdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.fhirclient.auth.AccessTokenSource;
import io.fhirpipe.fhirclient.config.DeleteDetection;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.testsupport.fhir.RecordedBulkDataServer;
import io.fhirpipe.testsupport.fhir.RecordedRequest;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real HTTP server answering with HAPI FHIR 8.8's recorded responses. */
class BulkDataClientTest {

    /** Counts every request for a token and every invalidation: the client must ask through it alone. */
    static final class CountingTokens implements AccessTokenSource {
        final AtomicInteger asked = new AtomicInteger();
        final AtomicInteger invalidated = new AtomicInteger();

        @Override
        public Optional<String> bearerToken() {
            return Optional.of("token-" + (invalidated.get() + 1));
        }

        @Override
        public void invalidate() {
            invalidated.incrementAndGet();
        }

        Optional<String> count() {
            asked.incrementAndGet();
            return bearerToken();
        }
    }

    private RecordedBulkDataServer fhir;
    private CountingTokens tokens;
    private BulkDataClient client;

    @BeforeEach
    void start() {
        fhir = RecordedBulkDataServer.start();
        tokens = new CountingTokens();
        AccessTokenSource counted = new AccessTokenSource() {
            @Override
            public Optional<String> bearerToken() {
                return tokens.count();
            }

            @Override
            public void invalidate() {
                tokens.invalidate();
            }
        };
        client = new BulkDataClient(new FhirServer(
                "hapi",
                URI.create(fhir.baseUrl() + "/"),
                ServerFlavor.STANDARD,
                false,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                counted,
                DeleteDetection.MANIFEST));
    }

    @AfterEach
    void stop() {
        fhir.close();
    }

    private KickoffRequest systemKickoff() {
        return new KickoffRequest("GET", URI.create(fhir.baseUrl() + "/$export?_type=Patient"), Optional.empty());
    }

    private List<RecordedRequest> recorded(String pathPart) {
        return fhir.requests().stream()
                .filter(r -> r.target().contains(pathPart))
                .toList();
    }

    @Test
    void aKickoffAnswered202GivesTheContentLocationToPoll() {
        fhir.enqueue("GET", "/$export", RecordedResponse.fixture("01-system-kickoff"));

        KickoffResult result = client.kickOff(systemKickoff());

        assertThat(result)
                .isInstanceOfSatisfying(
                        KickoffResult.Accepted.class,
                        a -> assertThat(a.statusUrl()).startsWith(fhir.baseUrl() + "/$export-poll-status?_jobId="));
        RecordedRequest request = recorded("/$export").get(0);
        assertThat(request.header("Prefer")).contains("respond-async");
        assertThat(request.header("Accept")).contains("application/fhir+json");
        assertThat(request.headers().get("Authorization")).containsExactly("Bearer token-1");
    }

    @Test
    void aKickoffRefusedWith400IsRejectedWithTheOperationOutcomesDiagnostics() {
        fhir.enqueue("GET", "/$export", RecordedResponse.fixture("23-bad-type.kickoff"));

        KickoffResult result = client.kickOff(systemKickoff());

        assertThat(result).isInstanceOfSatisfying(KickoffResult.Rejected.class, r -> {
            assertThat(r.httpStatus()).isEqualTo(400);
            assertThat(r.diagnostics()).singleElement().asString().contains("Resource type Foo is not a supported");
        });
    }

    @Test
    void aThrottledKickoffIsRetriedWhenTheServerSays() {
        fhir.enqueue(
                "GET",
                "/$export",
                RecordedResponse.operationOutcome(429, "throttled", "Too many requests")
                        .withHeader("Retry-After", "7"));

        KickoffResult result = client.kickOff(systemKickoff());

        assertThat(result).isInstanceOfSatisfying(KickoffResult.Retry.class, r -> {
            assertThat(r.httpStatus()).contains(429);
            assertThat(r.retryAfter()).contains(Duration.ofSeconds(7));
            assertThat(r.reason()).contains("Too many requests");
        });
    }

    @Test
    void aKickoffToNoServerIsRetriedNotThrown() {
        int port = fhir.port();
        fhir.close();
        BulkDataClient gone = new BulkDataClient(new FhirServer(
                "gone",
                URI.create("http://127.0.0.1:" + port + "/fhir"),
                ServerFlavor.STANDARD,
                false,
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                tokens,
                DeleteDetection.MANIFEST));

        KickoffResult result = gone.kickOff(
                new KickoffRequest("GET", URI.create("http://127.0.0.1:" + port + "/fhir/$export"), Optional.empty()));

        assertThat(result).isInstanceOf(KickoffResult.Retry.class);
        fhir = RecordedBulkDataServer.start();
    }

    @Test
    void aStatus202IsInProgressWithTheServersProgressAndRetryAfter() {
        fhir.enqueue("GET", "/$export-poll-status", RecordedResponse.fixture("02-system-poll-inprogress"));

        ExportStatus status = client.status(fhir.baseUrl() + "/$export-poll-status?_jobId=1");

        assertThat(status).isInstanceOfSatisfying(ExportStatus.InProgress.class, p -> {
            assertThat(p.progress()).hasValueSatisfying(text -> assertThat(text).startsWith("Build in progress"));
            assertThat(p.retryAfter()).contains(Duration.ofSeconds(120));
        });
    }

    @Test
    void aStatus200ReadsTheManifestAndEveryPageItLinks() {
        String page2 = fhir.baseUrl() + "/$export-poll-status?_jobId=1&page=2";
        fhir.enqueue("GET", "/$export-poll-status?_jobId=1&page=2", RecordedResponse.json(200, """
                {"transactionTime":"2026-11-26T05:31:32.857+00:00","request":"x","requiresAccessToken":false,
                 "output":[{"type":"Patient","url":"%s/Binary/p2"}],
                 "deleted":[{"type":"Patient","url":"%s/Binary/d1"}]}""".formatted(
                        fhir.baseUrl(), fhir.baseUrl())));
        fhir.enqueue("GET", "/$export-poll-status?_jobId=1", RecordedResponse.json(200, """
                {"transactionTime":"2026-11-26T05:31:32.857+00:00","request":"x","requiresAccessToken":true,
                 "output":[{"type":"Patient","url":"%s/Binary/p1"}],
                 "link":[{"relation":"next","url":"%s"}]}""".formatted(
                        fhir.baseUrl(), page2)));

        ExportStatus status = client.status(fhir.baseUrl() + "/$export-poll-status?_jobId=1");

        assertThat(status).isInstanceOfSatisfying(ExportStatus.Complete.class, c -> {
            ExportManifest manifest = c.manifest();
            assertThat(manifest.transactionTime()).isEqualTo(Instant.parse("2026-11-26T05:31:32.857Z"));
            assertThat(manifest.requiresAccessToken()).isTrue();
            assertThat(manifest.nextPage()).isEmpty();
            assertThat(manifest.files(FileKind.OUTPUT))
                    .extracting(ManifestFile::fileIndex)
                    .containsExactly(0, 1);
            assertThat(manifest.files(FileKind.DELETED))
                    .singleElement()
                    .satisfies(f -> assertThat(f.url()).endsWith("/Binary/d1"));
        });
        assertThat(recorded("$export-poll-status"))
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.headers().get("Authorization")).containsExactly("Bearer token-1"));
    }

    @Test
    void theRecordedHapiManifestIsComplete() {
        fhir.enqueue("GET", "/$export-poll-status", RecordedResponse.fixture("03-system-manifest"));

        ExportStatus status = client.status(fhir.baseUrl() + "/$export-poll-status?_jobId=1");

        assertThat(status)
                .isInstanceOfSatisfying(
                        ExportStatus.Complete.class,
                        c -> assertThat(c.manifest().files())
                                .isNotEmpty()
                                .allSatisfy(f -> assertThat(f.url()).startsWith(fhir.baseUrl() + "/Binary/")));
    }

    @Test
    void aManifestPageOnAnotherServerIsRefusedUnsent() {
        fhir.enqueue("GET", "/$export-poll-status", RecordedResponse.json(200, """
                {"transactionTime":"2026-11-26T05:31:32.857+00:00","output":[],
                 "link":[{"relation":"next","url":"http://169.254.169.254/fhir/page2"}]}"""));

        ExportStatus status = client.status(fhir.baseUrl() + "/$export-poll-status?_jobId=1");

        assertThat(status)
                .isInstanceOfSatisfying(
                        ExportStatus.InvalidManifest.class,
                        i -> assertThat(i.reason()).contains("link[next] is not on server hapi"));
        assertThat(fhir.requests()).hasSize(1);
    }

    @Test
    void aThrottledStatusIsAnsweredWithItsIssuesAndRetryAfter() {
        fhir.enqueue(
                "GET",
                "/$export-poll-status",
                RecordedResponse.operationOutcome(429, "throttled", "slow down").withHeader("Retry-After", "3"));

        ExportStatus status = client.status(fhir.baseUrl() + "/$export-poll-status?_jobId=1");

        assertThat(status).isInstanceOfSatisfying(ExportStatus.Answered.class, a -> {
            assertThat(a.httpStatus()).isEqualTo(429);
            assertThat(a.retryAfter()).contains(Duration.ofSeconds(3));
            assertThat(OperationOutcome.isTransient(a.issues())).isTrue();
            assertThat(OperationOutcome.texts(a.issues())).containsExactly("slow down");
        });
    }

    @Test
    void aThrottledManifestPageIsAskedAgainLater() {
        fhir.enqueue("GET", "/$export-poll-status?_jobId=1&page=2", RecordedResponse.of(429));
        fhir.enqueue("GET", "/$export-poll-status?_jobId=1", RecordedResponse.json(200, """
                {"transactionTime":"2026-11-26T05:31:32.857+00:00","output":[],
                 "link":[{"relation":"next","url":"%s/$export-poll-status?_jobId=1&page=2"}]}""".formatted(fhir.baseUrl())));

        ExportStatus status = client.status(fhir.baseUrl() + "/$export-poll-status?_jobId=1");

        assertThat(status)
                .isInstanceOfSatisfying(
                        ExportStatus.NotNow.class, n -> assertThat(n.reason()).isEqualTo("manifest page answered 429"));
    }

    @Test
    void aStatusUrlOnAnotherServerIsRefusedUnsent() {
        assertThatThrownBy(() -> client.status("http://169.254.169.254/fhir/$export-poll-status"))
                .isInstanceOf(ForeignUrlException.class);
        assertThat(fhir.requests()).isEmpty();
        assertThat(tokens.asked).hasValue(0);
    }

    @Test
    void cancelSendsDeleteToTheStatusUrlWithTheToken() throws Exception {
        fhir.enqueue("DELETE", "/$export-poll-status", RecordedResponse.of(202));

        int status = client.cancel(fhir.baseUrl() + "/$export-poll-status?_jobId=1");

        assertThat(status).isEqualTo(202);
        assertThat(fhir.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("DELETE");
            assertThat(r.headers().get("Authorization")).containsExactly("Bearer token-1");
        });
    }

    @Test
    void aDownloadCarriesTheTokenExactlyOnceAndOnlyWhenTheManifestRequiresIt() throws Exception {
        fhir.always(
                "GET",
                "/Binary/",
                RecordedResponse.of(200)
                        .withHeader("Content-Type", "application/fhir+ndjson")
                        .withBody("{\"resourceType\":\"Patient\"}\n"));

        HttpResponse<InputStream> secured = client.download(fhir.baseUrl() + "/Binary/a", true, Optional.empty());
        HttpResponse<InputStream> open =
                client.download(fhir.baseUrl() + "/Binary/b", false, Optional.of("application/fhir+ndjson"));

        try (InputStream a = secured.body();
                InputStream b = open.body()) {
            assertThat(new String(a.readAllBytes(), StandardCharsets.UTF_8)).contains("Patient");
            assertThat(b.readAllBytes()).isNotEmpty();
        }
        assertThat(recorded("/Binary/a"))
                .singleElement()
                .satisfies(r -> assertThat(r.headers().get("Authorization")).containsExactly("Bearer token-1"));
        assertThat(recorded("/Binary/b")).singleElement().satisfies(r -> {
            assertThat(r.header("Authorization")).isEmpty();
            assertThat(r.header("Accept")).contains("application/fhir+ndjson");
        });
        assertThat(tokens.asked).hasValue(1);
    }

    @Test
    void a401ForgetsTheTokenOnceAndAsksAgainWithAFreshOne() throws Exception {
        fhir.enqueue("GET", "/Binary/", RecordedResponse.operationOutcome(401, "login", "expired"));
        fhir.enqueue(
                "GET",
                "/Binary/",
                RecordedResponse.of(200)
                        .withHeader("Content-Type", "application/fhir+ndjson")
                        .withBody("{}\n"));

        HttpResponse<InputStream> response = client.download(fhir.baseUrl() + "/Binary/a", true, Optional.empty());
        response.body().close();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(tokens.invalidated).hasValue(1);
        assertThat(tokens.asked).hasValue(2);
        assertThat(recorded("/Binary/a"))
                .extracting(r -> r.headers().get("Authorization"))
                .containsExactly(List.of("Bearer token-1"), List.of("Bearer token-2"));
    }

    @Test
    void aHistoryPageIsFetchedOnlyFromTheServer() throws Exception {
        fhir.enqueue("GET", "/_history", RecordedResponse.json(200, "{\"resourceType\":\"Bundle\"}"));

        assertThat(client.get(fhir.baseUrl() + "/_history?_since=2026-01-01T00:00:00Z")
                        .statusCode())
                .isEqualTo(200);
        assertThatThrownBy(() -> client.get(fhir.baseUrl() + "/../admin")).isInstanceOf(ForeignUrlException.class);
        assertThat(fhir.requests()).hasSize(1);
    }
}
