package io.fhirpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.testsupport.stack.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #11: the local stack stopped in the middle of an export and started again on the same work
 * folder (as {@code ./fhirpipe stack} and {@code ./fhirpipe run} do) keeps its state and ports: the
 * interrupted export finishes, nothing is dead-lettered, and the next run is incremental from the
 * watermark the interrupted export left.
 */
class LocalStackRestartTest {

    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Inside the checkout, as {@code ./fhirpipe run}'s {@code .fhirpipe/} is (a temp folder hid a failure
     * that only showed with the stack's data under the checkout).
     */
    Path work;

    @org.junit.jupiter.api.BeforeEach
    void workFolderInTheCheckout() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        work = Files.createTempDirectory(target, "stack-");
    }

    LocalStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    LocalStack start() {
        return LocalStack.builder().workDirectory(work).seedPatients(20).start();
    }

    @Test
    void anExportInterruptedByAStopOfTheStackFinishesAfterTheRestartAndTheNextRunIsIncremental() throws Exception {
        stack = start();
        String trigger = stack.triggerUrl();
        String fhir = stack.fhirBaseUrl();
        String first = Api.post(trigger + "/jobs/local-demo/runs", "")
                .body()
                .path("exportId")
                .asText();
        assertThat(awaitStatus(trigger, first, "LOADED").path("status").asText())
                .isEqualTo("LOADED");

        // A change, an incremental run, and a stop as soon as the server has finished it: the files are
        // then in fhirpipe's hands (transfer, split, load). A stop while the local HAPI server itself is
        // still exporting leaves its job IN_PROGRESS for good after the restart (HAPI does not resume it),
        // so that export ends at the poll deadline, not here.
        // (a new resource: the dev server seeds its patients again at every start, which would undo an update)
        assertThat(Api.postFhir(
                                fhir + "/Observation",
                                "{\"resourceType\":\"Observation\",\"status\":\"final\","
                                        + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},"
                                        + "\"subject\":{\"reference\":\"Patient/pt-00003\"}}")
                        .status())
                .isEqualTo(201);
        JsonNode started = Api.post(trigger + "/jobs/local-demo/runs", "").body();
        String interrupted = started.path("exportId").asText();
        assertThat(started.path("since").asText()).isNotBlank();
        String statusBefore = awaitStatus(trigger, interrupted, "EXPORTED", "LOADED")
                .path("status")
                .asText();
        stack.close();
        stack = null;

        stack = start();
        assertThat(stack.triggerUrl()).as("the same ports after the restart").isEqualTo(trigger);
        assertThat(stack.fhirBaseUrl()).isEqualTo(fhir);
        JsonNode run = awaitStatus(trigger, interrupted, "LOADED", "FAILED", "CANCELLED");
        assertThat(run.path("status").asText())
                .as("stopped at %s; run %s", statusBefore, run)
                .isEqualTo("LOADED");
        assertThat(run.path("progress")
                        .path("types")
                        .path("Observation")
                        .path("rowsLoaded")
                        .asLong())
                .isEqualTo(1);

        // The watermark survived: the next run exports only what changed since the interrupted export.
        JsonNode job = null;
        for (JsonNode j : Api.get(trigger + "/jobs").body()) {
            if ("local-demo".equals(j.path("name").asText())) {
                job = j;
            }
        }
        assertThat(job).isNotNull();
        assertThat(job.path("watermarkExportId").asText()).isEqualTo(interrupted);
        JsonNode next = Api.post(trigger + "/jobs/local-demo/runs", "").body();
        assertThat(next.path("since").asText())
                .isEqualTo(run.path("timings").path("transactionTime").asText());
        JsonNode nextRun = awaitStatus(trigger, next.path("exportId").asText(), "LOADED", "FAILED");
        assertThat(nextRun.path("status").asText()).isEqualTo("LOADED");
        long rows = 0;
        for (JsonNode t : nextRun.path("progress").path("types")) {
            rows += t.path("rowsLoaded").asLong();
        }
        assertThat(rows)
                .as("nothing changed since the interrupted export: %s", nextRun.path("progress"))
                .isZero();

        assertThat(deadLetteredLines()).as("no service dead-lettered anything").isEmpty();
    }

    /**
     * The stack's own JVM killed (SIGKILL: a closed terminal, an OOM kill) while an export is in
     * flight: its services, broker and FHIR server run on as orphans holding the recorded ports. The
     * next start on the same work folder stops them (recorded in stack.pids) and resumes the export.
     */
    @Test
    void aStackWhoseJvmWasKilledIsCleanedUpAndResumedAtTheNextStart() throws Exception {
        Process killed = new ProcessBuilder(
                        io.fhirpipe.testsupport.stack.ManagedProcess.java(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.fhirpipe.testsupport.stack.LocalStackMain",
                        "--root",
                        LocalStack.findRoot().toString(),
                        "--work",
                        work.toString(),
                        "--seed",
                        "20")
                .redirectError(work.resolve("killed-stack.err").toFile())
                .start();
        String trigger;
        try (java.io.BufferedReader out =
                new java.io.BufferedReader(new java.io.InputStreamReader(killed.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("STACK READY")) {
                assertThat(line).doesNotStartWith("STACK FAILED");
            }
            assertThat(line).as("the stack started").isNotNull();
            trigger = line.replaceAll(".*trigger=(\\S+).*", "$1");
        }
        String exportId = Api.post(trigger + "/jobs/local-demo/runs", "")
                .body()
                .path("exportId")
                .asText();
        String statusBefore = awaitStatus(trigger, exportId, "EXPORTED", "LOADED")
                .path("status")
                .asText();
        killed.destroyForcibly().waitFor();

        stack = start();
        assertThat(stack.triggerUrl()).isEqualTo(trigger);
        JsonNode run = awaitStatus(trigger, exportId, "LOADED", "FAILED", "CANCELLED");
        assertThat(run.path("status").asText())
                .as("killed at %s; run %s", statusBefore, run)
                .isEqualTo("LOADED");
        assertThat(run.path("progress")
                        .path("types")
                        .path("Patient")
                        .path("rowsLoaded")
                        .asLong())
                .isEqualTo(20);
        assertThat(run.path("progress").path("mismatches")).isEmpty();
    }

    private List<String> deadLetteredLines() throws IOException {
        try (Stream<Path> logs = Files.list(stack.logs())) {
            return logs.flatMap(log -> {
                        try {
                            return Files.readAllLines(log).stream()
                                    .filter(l -> l.contains("dead-lettering") || l.contains("ForeignBlobUrl"));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }

    private static JsonNode awaitStatus(String trigger, String exportId, String... states) {
        Instant deadline = Instant.now().plus(LOAD_TIMEOUT);
        JsonNode run = null;
        List<String> wanted = List.of(states);
        while (Instant.now().isBefore(deadline)) {
            Api.Answer a = Api.get(trigger + "/exports/" + exportId);
            run = a.body();
            if (wanted.contains(run.path("status").asText())) {
                return run;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("export " + exportId + " not " + wanted + " within " + LOAD_TIMEOUT + ": " + run);
    }
}
