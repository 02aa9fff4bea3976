package io.fhirpipe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The deployed trigger's admin API as an operator uses it: {@code POST /exports}, {@code GET /exports/{id}},
 * {@code GET /dead-letters} and the peek under it.
 */
record AdminApi(AuthorizedHttp http, String baseUrl) {

    static final Set<String> FINAL = Set.of("LOADED", "FAILED", "CANCELLED");

    /** A system export of {@code types} (all types when empty) from {@code server}; answers the export id. */
    String requestExport(String server, List<String> types) {
        ObjectNode request =
                AuthorizedHttp.JSON.createObjectNode().put("server", server).put("level", "system");
        if (!types.isEmpty()) {
            ArrayNode array = request.putArray("types");
            types.forEach(array::add);
        }
        AuthorizedHttp.Answer answer = http.postJson(baseUrl + "/exports", request.toString());
        if (answer.status() != 202) {
            throw new AssertionError("POST /exports answered " + answer.status() + ": " + answer.body());
        }
        String exportId = answer.body().path("exportId").asText("");
        if (exportId.isBlank()) {
            throw new AssertionError("POST /exports answered 202 without an exportId: " + answer.body());
        }
        return exportId;
    }

    AuthorizedHttp.Answer status(String exportId) {
        return http.get(baseUrl + "/exports/" + exportId, "application/json");
    }

    /**
     * Polls {@code GET /exports/{id}} until the run is final and answers it. Over half an hour a deployment
     * may restart or a gateway answer 5xx, so those (and connection errors) are waited out; an answer that
     * cannot change by waiting (401, 403, 404) fails at once.
     */
    JsonNode awaitFinal(String exportId, Duration timeout, Duration interval) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            try {
                AuthorizedHttp.Answer answer = status(exportId);
                if (answer.status() == 200) {
                    String status = answer.body().path("status").asText();
                    if (FINAL.contains(status)) {
                        return answer.body();
                    }
                    last = status + " "
                            + answer.body().path("progress").path("state").asText("") + " "
                            + answer.body().path("progress").path("detail").asText("");
                } else if (answer.status() >= 500 || answer.status() == 429) {
                    last = "HTTP " + answer.status() + ": " + answer.body();
                } else {
                    throw new AssertionError(
                            "GET /exports/" + exportId + " answered " + answer.status() + ": " + answer.body());
                }
            } catch (UncheckedIOException e) {
                last = "connection failed: " + e.getCause();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError(
                        "export " + exportId + " was not final within " + timeout + "; last: " + last.strip());
            }
            sleep(interval);
        }
    }

    /** {@code GET /dead-letters}: "topic/subscription" → how many dead letters it holds. */
    Map<String, Long> deadLetterCounts() {
        AuthorizedHttp.Answer answer = http.get(baseUrl + "/dead-letters", "application/json");
        if (answer.status() != 200 || !answer.body().isArray()) {
            throw new AssertionError("GET /dead-letters answered " + answer.status() + ": " + answer.body());
        }
        Map<String, Long> counts = new TreeMap<>();
        for (JsonNode c : answer.body()) {
            counts.put(
                    c.path("topic").asText() + "/" + c.path("subscription").asText(),
                    c.path("count").asLong());
        }
        return counts;
    }

    /**
     * The message ids of the dead letters of {@code subscription} (a "topic/subscription" key) that belong
     * to {@code exportId}, among the oldest {@code max} (the API's limit is 500).
     */
    List<String> deadLettersOf(String subscription, String exportId, int max) {
        String[] parts = subscription.split("/", 2);
        AuthorizedHttp.Answer answer = http.get(
                baseUrl + "/dead-letters/" + encode(parts[0]) + "/" + encode(parts[1]) + "?max=" + max,
                "application/json");
        if (answer.status() != 200 || !answer.body().isArray()) {
            throw new AssertionError(
                    "GET /dead-letters/" + subscription + " answered " + answer.status() + ": " + answer.body());
        }
        return LiveChecks.deadLettersOf(answer.body(), exportId);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void sleep(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
