package io.fhirpipe.devfhirserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The few Bulk Data client steps the tests need, over plain HTTP as a real client would do them. */
final class BulkExportClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(90);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI baseUrl;

    BulkExportClient(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    HttpResponse<String> get(String relative, String... headers) throws IOException, InterruptedException {
        return get(URI.create(baseUrl + "/" + relative), headers);
    }

    HttpResponse<String> get(URI uri, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code Type?_summary=count} total. */
    int total(String resourceType) throws IOException, InterruptedException {
        HttpResponse<String> response = get(resourceType + "?_summary=count", "Accept", "application/fhir+json");
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    resourceType + " count answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("total").asInt(-1);
    }

    /** Kicks off an export of {@code relative} (e.g. {@code $export}) and returns the status URL. */
    URI kickOff(String relative) throws IOException, InterruptedException {
        HttpResponse<String> response = get(relative, "Accept", "application/fhir+json", "Prefer", "respond-async");
        if (response.statusCode() != 202) {
            throw new IllegalStateException(
                    "kick-off " + relative + " answered " + response.statusCode() + ": " + response.body());
        }
        return URI.create(response.headers()
                .firstValue("Content-Location")
                .orElseThrow(() -> new IllegalStateException("kick-off answered 202 without Content-Location")));
    }

    /** Polls the status URL (every 250 ms, ignoring the server's Retry-After of 120 s) until it is not 202. */
    JsonNode awaitManifest(URI statusUrl) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + EXPORT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(statusUrl);
            if (response.statusCode() == 200) {
                return JSON.readTree(response.body());
            }
            if (response.statusCode() != 202) {
                throw new IllegalStateException("poll answered " + response.statusCode() + ": " + response.body());
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("export " + statusUrl + " not complete within " + EXPORT_TIMEOUT);
    }

    /**
     * Downloads every output file of a manifest with no Accept header (which gives raw NDJSON, not a
     * base64 Binary) and returns the exported resources' ids per type, checking each line's type.
     */
    Map<String, List<String>> download(JsonNode manifest) throws IOException, InterruptedException {
        Map<String, List<String>> idsByType = new HashMap<>();
        for (JsonNode output : manifest.path("output")) {
            String type = output.path("type").asText();
            HttpResponse<String> file = get(URI.create(output.path("url").asText()));
            if (file.statusCode() != 200) {
                throw new IllegalStateException("download " + output + " answered " + file.statusCode());
            }
            List<String> ids = idsByType.computeIfAbsent(type, t -> new ArrayList<>());
            for (String line : file.body().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode resource = JSON.readTree(line);
                if (!type.equals(resource.path("resourceType").asText())) {
                    throw new IllegalStateException("file for " + type + " holds a " + resource.path("resourceType"));
                }
                ids.add(resource.path("id").asText());
            }
        }
        return idsByType;
    }
}
