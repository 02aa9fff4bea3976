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
import java.util.function.Supplier;

/**
 * JSON over HTTP with a bearer token from {@code tokens}, asked for each request (BearerTokens caches).
 * The token goes only into the Authorization header: answers and errors carry the status and body the
 * server sent, which never echo it.
 */
record AuthorizedHttp(HttpClient client, Supplier<String> tokens) {

    static final ObjectMapper JSON = new ObjectMapper();

    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    static AuthorizedHttp of(Supplier<String> tokens) {
        return new AuthorizedHttp(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), tokens);
    }

    Answer get(String url, String accept) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().header("Accept", accept));
    }

    Answer postJson(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json"));
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(
                    request.timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + tokens.get())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            JsonNode tree;
            try {
                tree = body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
            } catch (IOException notJson) {
                // e.g. a gateway's HTML error page: kept as text so the failure can show it
                tree = JSON.getNodeFactory().textNode(body.length() > 500 ? body.substring(0, 500) + "…" : body);
            }
            return new Answer(response.statusCode(), tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
