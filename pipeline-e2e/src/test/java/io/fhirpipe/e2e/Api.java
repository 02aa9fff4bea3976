package io.fhirpipe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP + JSON against the running processes: the test uses the APIs a user would. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Answer(int status, JsonNode body) {}

    private Api() {}

    static Answer get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", "application/json"));
    }

    static Answer post(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"));
    }

    static Answer put(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/fhir+json"));
    }

    static Answer postFhir(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/fhir+json"));
    }

    static Answer delete(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).DELETE().header("Accept", "application/fhir+json"));
    }

    /** The server's own count of a type: {@code GET [base]/Type?_summary=count}. */
    static long fhirTotal(String fhirBase, String typeOrSearch) {
        String search = typeOrSearch + (typeOrSearch.contains("?") ? "&" : "?") + "_summary=count";
        Answer a = get(fhirBase + "/" + search);
        String type = typeOrSearch;
        if (a.status() != 200) {
            throw new AssertionError(type + "?_summary=count answered " + a.status() + ": " + a.body());
        }
        return a.body().path("total").asLong();
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Answer(
                    response.statusCode(), body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
