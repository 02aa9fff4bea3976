package io.fhirpipe.fhirclient.bulkdata;

import io.fhirpipe.fhirclient.auth.AccessTokenException;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import io.fhirpipe.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Bulk Data client of one FHIR server: kick-off, status (with every manifest page), cancel,
 * download, and plain GETs of the server's own URLs ({@code _history}). Every request goes through
 * {@link #send}, the one place that adds the bearer token, forgets a token the server refused (401)
 * and asks once more, and counts the answer; every URL that came from a server or a message is
 * checked to be this server's before anything is sent to it. One {@link HttpClient} per server,
 * with redirects off: an answer is read as the server gave it, and a token never follows a redirect.
 */
public final class BulkDataClient {

    static final int MAX_MANIFEST_PAGES = 1000;

    private final FhirServer server;
    private final HttpClient http;
    private final Clock clock;

    public BulkDataClient(FhirServer server) {
        this(server, Clock.systemUTC());
    }

    public BulkDataClient(FhirServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(server.connectTimeout())
                .build();
    }

    public FhirServer server() {
        return server;
    }

    /** Sends the kick-off and classifies the answer. Never throws for what the server answers or for no answer. */
    public KickoffResult kickOff(KickoffRequest kickoff) {
        HttpRequest.Builder request = HttpRequest.newBuilder(kickoff.uri())
                .timeout(server.requestTimeout())
                .header("Accept", "application/fhir+json")
                .header("Prefer", "respond-async");
        if (kickoff.parametersBody().isPresent()) {
            request.header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            kickoff.parametersBody().get()));
        } else {
            request.GET();
        }
        HttpResponse<String> response;
        try {
            response = send("kickoff", request, HttpResponse.BodyHandlers.ofString(), true);
        } catch (AccessTokenException e) {
            return retry("could not get an access token for " + server.name() + ": " + e.getMessage());
        } catch (HttpTimeoutException e) {
            return retry("kick-off to " + server.name() + " timed out after "
                    + server.requestTimeout().toSeconds() + " s");
        } catch (ConnectException e) {
            return retry("cannot connect to " + server.name() + " at " + server.baseUrl()
                    + " (connection refused or unreachable)");
        } catch (IOException e) {
            return retry("kick-off to " + server.name() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return retry("interrupted");
        }
        return interpretKickoff(response);
    }

    private KickoffResult interpretKickoff(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 202) {
            Optional<String> location = response.headers().firstValue("Content-Location");
            if (location.isEmpty() || location.get().isBlank()) {
                return new KickoffResult.Rejected(
                        "the server answered 202 without a Content-Location to poll", status, List.of());
            }
            return new KickoffResult.Accepted(location.get());
        }
        List<OperationOutcome.Issue> issues = OperationOutcome.issues(response.body());
        List<String> diagnostics = OperationOutcome.texts(issues);
        if (FailureClassifier.isTransientHttpStatus(status) || OperationOutcome.isTransient(issues)) {
            String reason = server.name() + " answered " + status
                    + (diagnostics.isEmpty() ? "" : ": " + String.join("; ", diagnostics));
            return new KickoffResult.Retry(reason, Optional.of(status), retryAfter(response));
        }
        if (status >= 200 && status < 300) {
            return new KickoffResult.Rejected(
                    "the server answered " + status
                            + " instead of 202 Accepted: it does not run $export asynchronously",
                    status,
                    diagnostics);
        }
        return new KickoffResult.Rejected(
                server.name() + " rejected the export request with " + status, status, diagnostics);
    }

    private static KickoffResult retry(String reason) {
        return new KickoffResult.Retry(reason, Optional.empty(), Optional.empty());
    }

    /**
     * One status request; on 200 also every page of the manifest (file indexes continue across pages).
     *
     * @throws ForeignUrlException when the status URL is not this server's: nothing is sent
     */
    public ExportStatus status(String statusUrl) {
        URI url = server.checked(statusUrl);
        HttpResponse<String> response;
        try {
            response = get("poll", "GET bulk export status", url);
        } catch (IOException e) {
            return new ExportStatus.NotNow("cannot reach " + server.name() + ": " + describe(e), Optional.empty());
        }
        int status = response.statusCode();
        if (status == 202) {
            return new ExportStatus.InProgress(
                    response.headers().firstValue("X-Progress").map(LogValues::escaped), retryAfter(response));
        }
        if (status == 200) {
            return manifest(response.body());
        }
        return new ExportStatus.Answered(status, OperationOutcome.issues(response.body()), retryAfter(response));
    }

    private ExportStatus manifest(String firstPage) {
        Map<String, Integer> indexes = new HashMap<>();
        try {
            ExportManifest page = ManifestParser.parse(firstPage, indexes);
            List<ManifestFile> files = new ArrayList<>(page.files());
            boolean requiresAccessToken = page.requiresAccessToken();
            Optional<String> next = page.nextPage();
            int pages = 1;
            while (next.isPresent()) {
                URI url;
                try {
                    url = server.checked(next.get());
                } catch (ForeignUrlException e) {
                    throw new InvalidManifestException("link[next] is not on server " + server.name()
                            + "; refused, nothing was sent to it: " + e.getMessage());
                }
                if (++pages > MAX_MANIFEST_PAGES) {
                    throw new InvalidManifestException("the manifest has more than " + MAX_MANIFEST_PAGES + " pages");
                }
                HttpResponse<String> response;
                try {
                    response = get("manifest", "GET bulk export manifest page", url);
                } catch (IOException e) {
                    return new ExportStatus.NotNow(
                            "cannot read manifest page " + LogValues.quoted(url) + ": " + describe(e),
                            Optional.empty());
                }
                if (response.statusCode() != 200) {
                    if (response.statusCode() == 429 || response.statusCode() >= 500) {
                        return new ExportStatus.NotNow(
                                "manifest page answered " + response.statusCode(), Optional.empty());
                    }
                    throw new InvalidManifestException(
                            "manifest page " + LogValues.quoted(url) + " answered " + response.statusCode());
                }
                ExportManifest nextPage = ManifestParser.parse(response.body(), indexes);
                files.addAll(nextPage.files());
                requiresAccessToken |= nextPage.requiresAccessToken();
                next = nextPage.nextPage();
            }
            return new ExportStatus.Complete(new ExportManifest(
                    page.transactionTime(),
                    page.request(),
                    requiresAccessToken,
                    files,
                    Optional.empty(),
                    page.message()));
        } catch (InvalidManifestException e) {
            return new ExportStatus.InvalidManifest(e.getMessage());
        }
    }

    /**
     * Asks the server to stop an export ({@code DELETE} on its status URL).
     *
     * @return the HTTP status the server answered
     * @throws ForeignUrlException when the status URL is not this server's: nothing is sent
     */
    public int cancel(String statusUrl) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.checked(statusUrl))
                .DELETE()
                .timeout(server.requestTimeout())
                .header("Accept", "application/fhir+json");
        return send("cancel", request, HttpResponse.BodyHandlers.discarding(), true)
                .statusCode();
    }

    /**
     * Starts the download of one manifest file; the caller reads (and closes) the body.
     *
     * @param withToken the manifest's {@code requiresAccessToken}
     * @param accept the Accept header to send, if any
     * @throws ForeignUrlException when the URL is not this server's: nothing is sent
     */
    public HttpResponse<InputStream> download(String fileUrl, boolean withToken, Optional<String> accept)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.checked(fileUrl))
                .timeout(server.requestTimeout())
                .GET();
        accept.ifPresent(value -> request.header("Accept", value));
        return send("download", request, HttpResponse.BodyHandlers.ofInputStream(), withToken);
    }

    /**
     * A GET of one of this server's own URLs (a {@code _history} page), with its authentication.
     *
     * @throws ForeignUrlException when the URL is not this server's: nothing is sent
     */
    public HttpResponse<String> get(String url) throws IOException {
        return get("history", "GET history page", server.checked(url));
    }

    private HttpResponse<String> get(String operation, String spanName, URI url) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(server.requestTimeout())
                .header("Accept", "application/json")
                .GET();
        return Tracing.inSpan(spanName, SpanKind.CLIENT, span -> {
            span.setAttribute(Tracing.FHIR_SERVER, server.name());
            try {
                return send(operation, request, HttpResponse.BodyHandlers.ofString(), true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + server.name());
            }
        });
    }

    /** The one place a request to the server is sent: token, one retry after a 401, metrics, span status. */
    private <T> HttpResponse<T> send(
            String operation, HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, boolean withToken)
            throws IOException, InterruptedException {
        HttpResponse<T> response = sendOnce(operation, request, body, withToken);
        if (response.statusCode() == 401 && withToken) {
            // A token can be revoked or expire early; one fresh token is worth a try.
            close(response.body());
            server.tokens().invalidate();
            response = sendOnce(operation, request, body, true);
        }
        return response;
    }

    private <T> HttpResponse<T> sendOnce(
            String operation, HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, boolean withToken)
            throws IOException, InterruptedException {
        HttpRequest.Builder attempt = request.copy();
        if (withToken) {
            // Asked per request: a caching source hands out a fresh token once the old one nears expiry.
            server.tokens().bearerToken().ifPresent(token -> attempt.setHeader("Authorization", "Bearer " + token));
        }
        HttpResponse<T> response;
        try {
            response = http.send(attempt.build(), body);
        } catch (IOException e) {
            PipelineMetrics.fhirUnanswered(server.name(), operation, e);
            throw e;
        }
        PipelineMetrics.fhirResponse(server.name(), operation, Integer.toString(response.statusCode()));
        Span.current().setAttribute(Tracing.HTTP_STATUS, (long) response.statusCode());
        return response;
    }

    private Optional<Duration> retryAfter(HttpResponse<?> response) {
        return FailureClassifier.parseRetryAfter(
                response.headers().firstValue("Retry-After").orElse(null), clock.instant());
    }

    private static void close(Object body) {
        if (body instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException ignored) {
                // The connection is dropped either way.
            }
        }
    }

    /** An I/O failure for a log line or a failure reason, with the exception's words escaped. */
    public static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + LogValues.escaped(e.getMessage()));
    }
}
