package io.fhirpipe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** What the live test concludes from the answers it got; no I/O, so all of it is tested here. */
final class LiveChecks {

    private LiveChecks() {}

    /**
     * The resource types an export's status reports figures for. {@code progress.types} also holds
     * {@code deleted:Type} and {@code error:Type} entries (the server's deleted[] and error[] files):
     * those are not types whose rows the warehouse holds.
     */
    static List<String> exportedTypes(JsonNode run) {
        List<String> types = new ArrayList<>();
        for (Iterator<String> it = run.path("progress").path("types").fieldNames(); it.hasNext(); ) {
            String type = it.next();
            if (!type.contains(":")) {
                types.add(type);
            }
        }
        return types.stream().sorted().toList();
    }

    /** Why a run did not load, as the status tells it: the run's error, the failed chunks, the verdict. */
    static List<String> failureReasons(JsonNode run) {
        List<String> reasons = new ArrayList<>();
        JsonNode error = run.path("error");
        if (error.isObject()) {
            StringBuilder line = new StringBuilder(error.path("stage").asText("?"))
                    .append(": ")
                    .append(error.path("reason").asText(""));
            if (error.hasNonNull("httpStatus")) {
                line.append(" (HTTP ").append(error.path("httpStatus").asInt()).append(')');
            }
            for (JsonNode d : error.path("diagnostics")) {
                line.append("; ").append(d.asText());
            }
            reasons.add(line.toString());
        }
        for (JsonNode chunk : run.path("progress").path("failedChunks")) {
            reasons.add("failed chunk: " + chunk.asText());
        }
        String detail = run.path("progress").path("detail").asText("");
        if (!detail.isBlank()) {
            reasons.add("progress: " + detail);
        }
        if (reasons.isEmpty()) {
            reasons.add("the status gives no reason; history: " + run.path("history"));
        }
        return reasons;
    }

    static List<String> mismatches(JsonNode run) {
        List<String> mismatches = new ArrayList<>();
        run.path("progress").path("mismatches").forEach(m -> mismatches.add(m.asText()));
        return mismatches;
    }

    /** Every type whose counts differ (a type missing on one side counts as 0 there), one line each. */
    static List<String> countDifferences(Map<String, Long> fhirServer, Map<String, Long> warehouse) {
        List<String> differences = new ArrayList<>();
        TreeSet<String> types = new TreeSet<>(fhirServer.keySet());
        types.addAll(warehouse.keySet());
        for (String type : types) {
            long source = fhirServer.getOrDefault(type, 0L);
            long loaded = warehouse.getOrDefault(type, 0L);
            if (source != loaded) {
                differences.add(type + ": FHIR server " + source + ", warehouse " + loaded);
            }
        }
        return differences;
    }

    /** Subscriptions ("topic/subscription") holding more dead letters after than before, with both counts. */
    static Map<String, String> grownDeadLetters(Map<String, Long> before, Map<String, Long> after) {
        Map<String, String> grown = new TreeMap<>();
        after.forEach((subscription, count) -> {
            long was = before.getOrDefault(subscription, 0L);
            if (count > was) {
                grown.put(subscription, was + " -> " + count);
            }
        });
        return grown;
    }

    /**
     * The message ids of peeked dead letters ({@code GET /dead-letters/{topic}/{subscription}}) that belong to
     * {@code exportId}: every message carries the export id as its {@code exportId} application property, and
     * a CloudEvent body carries it as {@code data.exportId} (checked too, for a message whose properties a
     * replay by hand left out).
     */
    static List<String> deadLettersOf(JsonNode peeked, String exportId) {
        List<String> ids = new ArrayList<>();
        for (JsonNode letter : peeked) {
            boolean ours =
                    exportId.equals(letter.path("properties").path("exportId").asText(null));
            if (!ours && letter.path("body").isTextual()) {
                try {
                    ours = exportId.equals(AuthorizedHttp.JSON
                            .readTree(letter.path("body").asText())
                            .path("data")
                            .path("exportId")
                            .asText(null));
                } catch (IOException notJson) {
                    // a body that is not JSON names no export
                }
            }
            if (ours) {
                ids.add(letter.path("messageId").asText());
            }
        }
        return ids;
    }
}
