package io.fhirpipe.exporttrigger.fhir;

import io.fhirpipe.fhirclient.auth.AccessTokenException;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.metrics.PipelineMetrics;
import io.fhirpipe.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Sends the Bulk Data kick-off request ({@code Accept: application/fhir+json},
 * {@code Prefer: respond-async}) and classifies the answer. It never throws for what the server
 * answers; only a programming error escapes.
 */
public final class BulkDataKickoffClient {

    private final HttpClient http;
    private final Clock clock;

    public BulkDataKickoffClient(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    public KickoffResult kickOff(FhirServer server, ExportRequested request) {
        PipelineMetrics.StageTimer timer = PipelineMetrics.time("kickoff");
        KickoffResult result = Tracing.inSpan("FHIR $export kick-off", SpanKind.CLIENT, span -> {
            span.setAttribute(Tracing.FHIR_SERVER, server.name());
            span.setAttribute(Tracing.EXPORT_ID, request.exportId());
            return kickOffTimed(server, request);
        });
        timer.stop(result.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        return result;
    }

    private KickoffResult kickOffTimed(FhirServer server, ExportRequested request) {
        KickoffRequest kickoff = KickoffRequestFactory.create(server, request);
        HttpResponse<String> response;
        try {
            response = send(server, kickoff);
            if (response.statusCode() == 401) {
                // A token can be revoked or expire early; one fresh token is worth a try.
                server.tokens().invalidate();
                response = send(server, kickoff);
            }
        } catch (AccessTokenException e) {
            return new KickoffResult.Retry("could not get an access token for " + server.name() + ": "
                    + e.getMessage(), Optional.empty(), Optional.empty());
        } catch (HttpTimeoutException e) {
            return new KickoffResult.Retry("kick-off to " + server.name() + " timed out after "
                    + server.requestTimeout().toSeconds() + " s", Optional.empty(), Optional.empty());
        } catch (ConnectException e) {
            return new KickoffResult.Retry("cannot connect to " + server.name() + " at " + server.baseUrl()
                    + " (connection refused or unreachable)", Optional.empty(), Optional.empty());
        } catch (IOException e) {
            return new KickoffResult.Retry("kick-off to " + server.name() + " failed: " + e, Optional.empty(),
                    Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new KickoffResult.Retry("interrupted", Optional.empty(), Optional.empty());
        }
        return interpret(server, response);
    }

    private HttpResponse<String> send(FhirServer server, KickoffRequest kickoff)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(kickoff.uri())
                .timeout(server.requestTimeout())
                .header("Accept", "application/fhir+json")
                .header("Prefer", "respond-async");
        server.tokens().bearerToken().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        if (kickoff.parametersBody().isPresent()) {
            builder.header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(kickoff.parametersBody().get()));
        } else {
            builder.GET();
        }
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            PipelineMetrics.fhirUnanswered(server.name(), "kickoff", e);
            throw e;
        }
        PipelineMetrics.fhirResponse(server.name(), "kickoff", Integer.toString(response.statusCode()));
        Span.current().setAttribute(Tracing.HTTP_STATUS, (long) response.statusCode());
        return response;
    }

    private KickoffResult interpret(FhirServer server, HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body();
        if (status == 202) {
            Optional<String> location = response.headers().firstValue("Content-Location");
            if (location.isEmpty() || location.get().isBlank()) {
                return new KickoffResult.Rejected("the server answered 202 without a Content-Location to poll",
                        status, List.of());
            }
            return new KickoffResult.Accepted(location.get());
        }
        Optional<Duration> retryAfter = FailureClassifier.parseRetryAfter(
                response.headers().firstValue("Retry-After").orElse(null), clock.instant());
        List<String> diagnostics = OperationOutcomes.diagnostics(body);
        if (FailureClassifier.isTransientHttpStatus(status) || OperationOutcomes.isTransient(body)) {
            String reason = server.name() + " answered " + status
                    + (diagnostics.isEmpty() ? "" : ": " + String.join("; ", diagnostics));
            return new KickoffResult.Retry(reason, Optional.of(status), retryAfter);
        }
        if (status >= 200 && status < 300) {
            return new KickoffResult.Rejected("the server answered " + status
                    + " instead of 202 Accepted: it does not run $export asynchronously", status, diagnostics);
        }
        return new KickoffResult.Rejected(server.name() + " rejected the export request with " + status, status,
                diagnostics);
    }
}
