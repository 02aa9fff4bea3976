package io.fhirpipe.loadgenerator.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a load test measured.
 *
 * @param failure           why the test stopped before the export ended (a stall, the timeout), or null
 * @param requestedAtMillis wall clock of {@code POST /exports}; the samples' time zero
 * @param run               the last {@code GET /exports/{id}}
 * @param serverStats       the synthetic server's {@code /stats} at the end (bytes, first byte, last file)
 * @param expected          resources generated per exported type
 * @param warehouse         rows per table in the warehouse ({@code raw.Type}, typed views) after LOADED
 * @param peakRss           VmHWM per process, bytes
 */
record LoadResult(
        LoadOptions options,
        String exportId,
        String failure,
        long requestedAtMillis,
        JsonNode run,
        JsonNode serverStats,
        JsonNode plan,
        Map<String, Long> expected,
        Map<String, Long> warehouse,
        List<Sample> samples,
        Map<String, Long> peakRss,
        Path logs) {

    boolean loaded() {
        return run.path("status").asText().equals("LOADED");
    }

    long resources() {
        return expected.values().stream().mapToLong(Long::longValue).sum();
    }
}
