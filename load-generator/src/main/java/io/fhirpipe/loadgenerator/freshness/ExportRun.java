package io.fhirpipe.loadgenerator.freshness;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/**
 * One of the job's exports as {@code GET /exports/{id}} told it at the end.
 *
 * @param full without {@code _since}: the job had no watermark yet (no export of it loaded) when it started
 */
record ExportRun(String exportId, String status, boolean full, Instant createdAt, Instant loadedAt, long rowsLoaded) {

    static ExportRun of(JsonNode view) {
        JsonNode timings = view.path("timings");
        long rows = 0;
        for (JsonNode type : view.path("progress").path("types")) {
            rows += type.path("rowsLoaded").asLong();
        }
        return new ExportRun(
                view.path("exportId").asText(),
                view.path("status").asText(),
                !view.path("request").path("since").isTextual(),
                instant(timings.path("createdAt")),
                instant(timings.path("loadedAt")),
                rows);
    }

    /** Seconds from the schedule's request to LOADED; NaN while not loaded. */
    double seconds() {
        return createdAt == null || loadedAt == null
                ? Double.NaN
                : Duration.between(createdAt, loadedAt).toMillis() / 1000.0;
    }

    private static Instant instant(JsonNode node) {
        return node.isTextual() ? Instant.parse(node.asText()) : null;
    }
}
