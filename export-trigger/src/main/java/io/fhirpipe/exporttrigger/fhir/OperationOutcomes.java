package io.fhirpipe.exporttrigger.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.messages.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads what a FHIR server says in an OperationOutcome. */
public final class OperationOutcomes {

    /** Issue codes that say "try again later" (FHIR R4 IssueType). */
    private static final Set<String> TRANSIENT_CODES = Set.of("transient", "throttled", "timeout", "lock-error",
            "no-store", "incomplete");

    private OperationOutcomes() {
    }

    /** The issues' diagnostics (or details text, or code) of an OperationOutcome body; empty when it is none. */
    public static List<String> diagnostics(String body) {
        List<String> result = new ArrayList<>();
        for (JsonNode issue : issues(body)) {
            String text = issue.path("diagnostics").asText("");
            if (text.isEmpty()) {
                text = issue.path("details").path("text").asText("");
            }
            if (text.isEmpty()) {
                text = issue.path("severity").asText("error") + " " + issue.path("code").asText("unknown");
            }
            result.add(text.strip());
        }
        return result;
    }

    public static boolean isTransient(String body) {
        List<JsonNode> issues = issues(body);
        return !issues.isEmpty() && issues.stream().anyMatch(i -> TRANSIENT_CODES.contains(i.path("code").asText()));
    }

    private static List<JsonNode> issues(String body) {
        if (body == null || body.isBlank()) {
            return List.of();
        }
        try {
            JsonNode root = Json.mapper().readTree(body);
            if (!"OperationOutcome".equals(root.path("resourceType").asText())) {
                return List.of();
            }
            List<JsonNode> issues = new ArrayList<>();
            root.path("issue").forEach(issues::add);
            return issues;
        } catch (Exception notJson) {
            return List.of();
        }
    }
}
