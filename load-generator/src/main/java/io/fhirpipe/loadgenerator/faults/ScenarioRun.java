package io.fhirpipe.loadgenerator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.loadgenerator.load.JsonHttp;
import io.fhirpipe.model.topology.TopicDefinition;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.broker.AmqpTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** One scenario's export while it runs: what its fault acts on and when. */
final class ScenarioRun {

    static final Duration TIMEOUT = Duration.ofMinutes(6);
    static final String JOB = "local-demo";

    private final FaultSuite suite;
    private final Scenario scenario;
    /** Every export of the scenario (two for a stack restart), the last one is the one reported. */
    private final List<String> exportIds = new ArrayList<>();

    private final List<String> notes = new ArrayList<>();

    ScenarioRun(FaultSuite suite, Scenario scenario, String exportId) {
        this.suite = suite;
        this.scenario = scenario;
        this.exportIds.add(exportId);
    }

    String exportId() {
        return exportIds.get(exportIds.size() - 1);
    }

    List<String> exportIds() {
        return List.copyOf(exportIds);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    Scenario scenario() {
        return scenario;
    }

    JsonNode run() {
        return JsonHttp.get(suite.stack().triggerUrl() + "/exports/" + exportId());
    }

    static boolean ended(JsonNode run) {
        return run.path("status").asText().matches("LOADED|FAILED|CANCELLED");
    }

    /** A figure of {@code progress.types} summed over the resource types (deleted files apart). */
    static long sum(JsonNode run, String field) {
        long total = 0;
        var types = run.path("progress").path("types").fields();
        while (types.hasNext()) {
            var t = types.next();
            if (!t.getKey().startsWith("deleted:")) {
                total += t.getValue().path(field).asLong();
            }
        }
        return total;
    }

    /**
     * Waits until the export is at the moment the fault needs; an export that ends first means the
     * fault was never applied, which fails the scenario rather than passing it untested.
     */
    JsonNode awaitMoment(String what, Predicate<JsonNode> moment) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode run = run();
            if (moment.test(run)) {
                notes.add("at " + what + ": status " + run.path("status").asText() + ", lines split "
                        + sum(run, "linesSplit") + ", rows loaded " + sum(run, "rowsLoaded"));
                return run;
            }
            if (ended(run)) {
                throw new IllegalStateException("the export ended "
                        + run.path("status").asText() + " before " + what + ": the fault was not applied");
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no " + what + " within " + TIMEOUT);
    }

    JsonNode awaitEnd() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JsonNode run = run();
        while (!ended(run)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("export " + exportId() + " not ended within " + TIMEOUT + ": status "
                        + run.path("status").asText());
            }
            Thread.sleep(250);
            run = run();
        }
        return run;
    }

    void killAndRestartWhen(String component, String what, Predicate<JsonNode> moment) throws InterruptedException {
        awaitMoment(what, moment);
        suite.stack().kill(component);
        suite.stack().restart(component);
    }

    void restartWhen(String component, String what, Predicate<JsonNode> moment) throws InterruptedException {
        awaitMoment(what, moment);
        suite.stack().restart(component);
    }

    /**
     * A body that is no CloudEvent on every topic, once: each subscription must dead-letter it with a
     * reason (GET /dead-letters shows it) and go on with the export's real messages.
     */
    void postPoisonMessages() throws InterruptedException {
        Map<String, Long> before = suite.deadLetters();
        try (AmqpTestClient client = AmqpTestClient.connect(
                "127.0.0.1", suite.stack().amqpPort(), suite.stack().brokerCredentials())) {
            for (TopicDefinition topic : Topology.standard().topics()) {
                client.send(topic.name(), "{\"poison\": \"not a CloudEvent of " + topic.name() + "\"");
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Long> now = suite.deadLetters();
            if (now.keySet().stream().allMatch(k -> now.get(k) >= before.getOrDefault(k, 0L) + 1)) {
                notes.add("every subscription dead-lettered its poison message");
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("not every subscription dead-lettered its poison message within " + TIMEOUT
                + ": before " + before + ", now " + suite.deadLetters());
    }

    /**
     * The first run of the job loads; the whole stack stops and starts again on its work folder; the
     * run record, its status and the job's watermark are still there, and the second run starts from
     * that watermark (incremental). The second run is the one the suite then follows and checks.
     */
    void restartStackBetweenRuns() throws Exception {
        String first = exportId();
        JsonNode firstRun = awaitEnd();
        if (!firstRun.path("status").asText().equals("LOADED")) {
            throw new IllegalStateException(
                    "the first run ended " + firstRun.path("status").asText());
        }
        String transactionTime =
                firstRun.path("timings").path("transactionTime").asText();
        suite.restartStack();
        String afterRestart = run().path("status").asText();
        if (!afterRestart.equals("LOADED")) {
            throw new IllegalStateException("after the restart the first run is " + afterRestart + ", not LOADED");
        }
        String watermark = "";
        for (JsonNode job : JsonHttp.get(suite.stack().triggerUrl() + "/jobs")) {
            if (JOB.equals(job.path("name").asText())) {
                watermark = job.path("watermarkExportId").asText();
            }
        }
        if (!watermark.equals(first)) {
            throw new IllegalStateException(
                    "the job's watermark after the restart is '" + watermark + "', not " + first);
        }
        JsonNode second = JsonHttp.post(suite.stack().triggerUrl() + "/jobs/" + JOB + "/runs", null, 202);
        if (!second.path("since").asText().equals(transactionTime)) {
            throw new IllegalStateException("the second run exports since '"
                    + second.path("since").asText() + "', not the first run's transactionTime " + transactionTime);
        }
        exportIds.add(second.path("exportId").asText());
        notes.add("run 1 " + first + " LOADED and still LOADED after the restart; watermark kept; run 2 since "
                + transactionTime);
    }
}
