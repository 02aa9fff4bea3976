package io.fhirpipe.fhirclient.bulkdata;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.messages.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads what a FHIR server says in an OperationOutcome: the one reader for kick-off and status
 * answers and for the lines of an export's {@code error[]} files.
 */
public final class OperationOutcome {

    /** Issue codes that say "try again later" (FHIR R4 IssueType). */
    private static final Set<String> TRANSIENT_CODES =
            Set.of("transient", "throttled", "timeout", "lock-error", "no-store", "incomplete", "exception");

    /** One issue as the server wrote it; any part may be null. */
    public record Issue(String severity, String code, String diagnostics) {

        /** What a person should read: the diagnostics, else severity and code. */
        public String text() {
            return diagnostics != null && !diagnostics.isBlank()
                    ? diagnostics.strip()
                    : (severity == null ? "error" : severity) + " " + (code == null ? "unknown" : code);
        }

        public boolean isTransient() {
            return code != null && TRANSIENT_CODES.contains(code);
        }

        @Override
        public String toString() {
            return (severity == null ? "?" : severity) + "/" + (code == null ? "?" : code)
                    + (diagnostics == null ? "" : ": " + diagnostics);
        }
    }

    private OperationOutcome() {}

    /** The issues of a body; empty when it is no OperationOutcome (or not JSON at all). */
    public static List<Issue> issues(String body) {
        if (body == null || body.isBlank()) {
            return List.of();
        }
        try {
            return issues(Json.mapper().readTree(body));
        } catch (Exception notJson) {
            return List.of();
        }
    }

    /** The issues of a parsed resource; empty when it is no OperationOutcome. */
    public static List<Issue> issues(JsonNode root) {
        if (root == null || !isOperationOutcome(root)) {
            return List.of();
        }
        List<Issue> issues = new ArrayList<>();
        for (JsonNode issue : root.path("issue")) {
            String diagnostics = text(issue, "diagnostics");
            if (diagnostics == null || diagnostics.isBlank()) {
                diagnostics = text(issue.path("details"), "text");
            }
            issues.add(new Issue(text(issue, "severity"), text(issue, "code"), diagnostics));
        }
        return issues;
    }

    public static boolean isOperationOutcome(JsonNode root) {
        return "OperationOutcome".equals(root.path("resourceType").asText());
    }

    /** The issues' texts, for a failure report. */
    public static List<String> texts(List<Issue> issues) {
        return issues.stream().map(Issue::text).toList();
    }

    /** True when the server said only "try again later": every issue has a transient code. */
    public static boolean isTransient(List<Issue> issues) {
        return !issues.isEmpty() && issues.stream().allMatch(Issue::isTransient);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isValueNode() || value.isNull() ? null : value.asText();
    }
}
