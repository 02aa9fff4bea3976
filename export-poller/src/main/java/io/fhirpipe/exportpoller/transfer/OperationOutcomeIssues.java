package io.fhirpipe.exportpoller.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.fhirclient.bulkdata.OperationOutcome;
import io.fhirpipe.model.messages.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the issues of an {@code error[]} file (NDJSON of OperationOutcomes) while it streams
 * past, with bounded memory: lines longer than {@link #MAX_LINE} and issues beyond {@link #MAX_ISSUES}
 * are counted but not kept.
 */
final class OperationOutcomeIssues {

    static final int MAX_LINE = 64 * 1024;
    static final int MAX_ISSUES = 50;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean lineTooLong;
    private final List<OperationOutcome.Issue> issues = new ArrayList<>();
    private int totalIssues;
    private int unreadableLines;

    public void update(byte[] data, int offset, int length) {
        int start = offset;
        for (int i = offset, end = offset + length; i < end; i++) {
            if (data[i] == '\n') {
                append(data, start, i - start);
                endLine();
                start = i + 1;
            }
        }
        append(data, start, offset + length - start);
    }

    /** Call once at the end of the stream, for a last line without a newline. */
    public void finish() {
        endLine();
    }

    public List<OperationOutcome.Issue> issues() {
        return List.copyOf(issues);
    }

    /** All issues in the file, including those not kept. */
    public int totalIssues() {
        return totalIssues;
    }

    public int unreadableLines() {
        return unreadableLines;
    }

    private void append(byte[] data, int offset, int length) {
        if (length <= 0 || lineTooLong) {
            return;
        }
        if (line.size() + length > MAX_LINE) {
            lineTooLong = true;
            line.reset();
            return;
        }
        line.write(data, offset, length);
    }

    private void endLine() {
        if (lineTooLong) {
            unreadableLines++;
            lineTooLong = false;
            line.reset();
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8).trim();
        line.reset();
        if (text.isEmpty()) {
            return;
        }
        try {
            JsonNode root = Json.mapper().readTree(text);
            if (root == null || !OperationOutcome.isOperationOutcome(root)) {
                unreadableLines++;
                return;
            }
            for (OperationOutcome.Issue issue : OperationOutcome.issues(root)) {
                totalIssues++;
                if (issues.size() < MAX_ISSUES) {
                    issues.add(issue);
                }
            }
        } catch (Exception e) {
            unreadableLines++;
        }
    }
}
