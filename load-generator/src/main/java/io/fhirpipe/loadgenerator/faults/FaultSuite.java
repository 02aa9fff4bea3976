package io.fhirpipe.loadgenerator.faults;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.loadgenerator.load.JsonHttp;
import io.fhirpipe.loadgenerator.server.SyntheticBulkDataMain;
import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.testsupport.stack.LocalStack;
import io.fhirpipe.testsupport.stack.ManagedProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Runs fault scenarios on the local stack as processes. Scenarios with the same stack settings share
 * one stack (its own work folder); each gets its own synthetic server on one fixed port (the
 * services keep the FHIR base URL they started with) and its own seed, so its resources are told
 * apart by id in the shared warehouse. The warehouse and rejected/ are checked once per stack, after
 * its last scenario: the loader is stopped so the DuckDB file can be opened, the rest still runs.
 */
final class FaultSuite {

    static final String DEFAULT_STACK = "default";
    static final String DUPLICATE_DELIVERY = "duplicate-delivery";
    /** Short, so an export that never finishes fails within the suite; every other export polls for seconds. */
    static final String POLL_DEADLINE = "90s";

    static final String SIZE = "2MB";
    static final List<SyntheticType> TYPES =
            List.of(SyntheticType.PATIENT, SyntheticType.ENCOUNTER, SyntheticType.OBSERVATION);
    static final long BASE_SEED = 20261204L;
    private static final Pattern READY = Pattern.compile("BULK DATA READY url=(\\S+)");

    private final Path root;
    private final Path work;
    private final PrintStream out;
    private final int serverPort;
    private String stackName;
    private LocalStack stack;

    FaultSuite(Path root, Path work, PrintStream out) throws java.io.IOException {
        this.root = root;
        this.work = work;
        this.out = out;
        try (ServerSocket s = new ServerSocket(0)) {
            serverPort = s.getLocalPort();
        }
    }

    LocalStack stack() {
        return stack;
    }

    /** Scenarios in their order, a stack per settings (the default's first). */
    List<Outcome> run(List<Scenario> scenarios) throws Exception {
        Map<String, List<Scenario>> byStack = new LinkedHashMap<>();
        for (Scenario s : scenarios) {
            byStack.computeIfAbsent(s.stack(), k -> new ArrayList<>()).add(s);
        }
        List<Outcome> outcomes = new ArrayList<>();
        Thread stopOnSignal = new Thread(this::closeStack, "fault-suite-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        try {
            for (Map.Entry<String, List<Scenario>> group : byStack.entrySet()) {
                outcomes.addAll(runOnOneStack(group.getKey(), group.getValue()));
            }
        } finally {
            closeStack();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnSignal);
            } catch (IllegalStateException alreadyStopping) {
                // the hook is running
            }
        }
        return outcomes;
    }

    private List<Outcome> runOnOneStack(String name, List<Scenario> scenarios) throws Exception {
        stackName = name;
        long start = System.nanoTime();
        out.println("== starting the local stack '" + name + "' (logs "
                + work.resolve(name).resolve("logs") + ")");
        stack = startStack();
        out.printf("== stack ready in %d s%n", (System.nanoTime() - start) / 1_000_000_000L);
        List<Finished> finished = new ArrayList<>();
        for (Scenario s : scenarios) {
            finished.add(runScenario(s));
        }
        out.println("== checking the warehouse and rejected/ (the loader stops so its DuckDB file can be read)");
        stack.stopService("synapse-loader");
        List<Outcome> outcomes = new ArrayList<>();
        try (WarehouseRows warehouse = WarehouseRows.open(root, stack.duckDbPath())) {
            for (Finished f : finished) {
                outcomes.add(check(f, warehouse));
            }
        }
        closeStack();
        return outcomes;
    }

    private LocalStack startStack() {
        LocalStack.Builder builder = LocalStack.builder()
                .root(root)
                .workDirectory(work.resolve(stackName))
                .fhirBaseUrl("http://127.0.0.1:" + serverPort + "/fhir")
                .startTimeout(Duration.ofMinutes(10))
                // the synthetic server lists deletes in the manifest; it has no _history
                .config("export-poller", "fhirpipe.servers.local.deletes", "manifest")
                .config("export-poller", "fhirpipe.poll.deadline", POLL_DEADLINE)
                // many small chunks: a kill lands between chunks of one export, not before or after all
                .config("ndjson-splitter", "fhirpipe.splitter.max-lines", "1000")
                // an oversized line of 2 MB is rejected without serving 64 MB
                .config("ndjson-splitter", "fhirpipe.splitter.max-bytes", "1048576");
        if (stackName.equals(DUPLICATE_DELIVERY)) {
            builder.brokerEnvironment("FHIRPIPE_BROKER_DUPLICATE_DELIVERY", "true");
        }
        return builder.start();
    }

    /** The whole stack stopped and started again on its work folder (same ports, broker journal, storage, warehouse). */
    void restartStack() throws java.io.IOException {
        stack.close();
        // the logs of the stack before the restart stay beside the new ones (a start writes each log afresh)
        try (var logs = java.nio.file.Files.list(stack.logs())) {
            String suffix = "." + System.currentTimeMillis() + ".log";
            for (Path log : logs.filter(p -> p.getFileName().toString().matches("[a-z-]+\\.log"))
                    .toList()) {
                java.nio.file.Files.move(
                        log, log.resolveSibling(log.getFileName().toString().replace(".log", suffix)));
            }
        }
        stack = startStack();
    }

    private synchronized void closeStack() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }

    /** Dead letters per {@code topic/subscription}, as the trigger counts them. */
    Map<String, Long> deadLetters() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (JsonNode row : JsonHttp.get(stack.triggerUrl() + "/dead-letters")) {
            counts.put(
                    row.path("topic").asText() + "/" + row.path("subscription").asText(),
                    row.path("count").asLong());
        }
        return counts;
    }

    private record Finished(
            Scenario scenario,
            ScenarioRun run,
            Expectation expected,
            JsonNode finalRun,
            double seconds,
            Map<String, Long> deadLettersBefore,
            Map<String, Long> deadLettersAfter,
            List<String> problems) {}

    private Finished runScenario(Scenario scenario) throws Exception {
        long seed =
                BASE_SEED + Scenario.all().stream().map(Scenario::name).toList().indexOf(scenario.name());
        out.printf("-- %s: %s (seed %d)%n", scenario.name(), scenario.description(), seed);
        List<String> command = new ArrayList<>(List.of(
                ManagedProcess.java(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                SyntheticBulkDataMain.class.getName(),
                "--port",
                Integer.toString(serverPort),
                "--seed",
                Long.toString(seed),
                "--size",
                SIZE,
                "--types",
                String.join(",", TYPES.stream().map(SyntheticType::resourceType).toList()),
                "--per-file",
                "1000"));
        command.addAll(scenario.serverArgs());
        List<String> problems = new ArrayList<>();
        long started = System.nanoTime();
        try (ManagedProcess server = ManagedProcess.start(
                "synthetic-bulk-data",
                command,
                Map.of(),
                stack.logs().resolve("synthetic-bulk-data." + scenario.name() + ".log"))) {
            String fhir = server.awaitLine(READY, Duration.ofSeconds(120)).group(1);
            String serverRoot = fhir.substring(0, fhir.length() - "/fhir".length());
            Expectation expected = expectation(serverRoot, seed);
            Map<String, Long> deadBefore = deadLetters();
            started = System.nanoTime();
            String exportId = request(scenario);
            ScenarioRun run = new ScenarioRun(this, scenario, exportId);
            JsonNode end = null;
            try {
                scenario.fault().apply(run);
                end = run.awaitEnd();
            } catch (Exception e) {
                problems.add(e.getMessage());
                try {
                    end = run.run();
                } catch (RuntimeException unreachable) {
                    end = JsonHttp.JSON.createObjectNode().put("status", "UNKNOWN");
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf(
                    "   %s %s in %.0f s%n", run.exportId(), end.path("status").asText(), seconds);
            return new Finished(
                    scenario,
                    run,
                    scenario.failReason().isPresent() ? expected.none() : expected,
                    end,
                    seconds,
                    deadBefore,
                    deadLetters(),
                    problems);
        }
    }

    private String request(Scenario scenario) {
        if (scenario.viaJob()) {
            return JsonHttp.post(stack.triggerUrl() + "/jobs/" + ScenarioRun.JOB + "/runs", null, 202)
                    .path("exportId")
                    .asText();
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("server", "local");
        request.put("level", "system");
        request.put("types", TYPES.stream().map(SyntheticType::resourceType).toList());
        return JsonHttp.post(stack.triggerUrl() + "/exports", request, 202)
                .path("exportId")
                .asText();
    }

    /** The server's own account of what the export must end as ({@code GET /expected}), else its plan. */
    private static Expectation expectation(String serverRoot, long seed) {
        JsonNode plan = JsonHttp.get(serverRoot + "/plan");
        Expectation fromPlan = Expectation.ofPlan(plan, seed, TYPES);
        JsonNode expected;
        try {
            expected = JsonHttp.get(serverRoot + "/expected?level=system&_type="
                    + String.join(
                            ",", TYPES.stream().map(SyntheticType::resourceType).toList()));
        } catch (IllegalStateException notThere) {
            return fromPlan;
        }
        Map<String, Set<String>> resources = new LinkedHashMap<>();
        var types = expected.path("resources").fields();
        while (types.hasNext()) {
            var type = types.next();
            Set<String> pairs = new TreeSet<>();
            type.getValue()
                    .fields()
                    .forEachRemaining(
                            e -> pairs.add(e.getKey() + "|" + e.getValue().asText()));
            resources.put(type.getKey(), pairs);
        }
        for (String type : fromPlan.resources().keySet()) {
            resources.putIfAbsent(type, Set.of());
        }
        return new Expectation(
                resources, fromPlan.idPrefix(), expected.path("rejected").size());
    }

    private Outcome check(Finished f, WarehouseRows warehouse) throws Exception {
        List<String> problems = new ArrayList<>(f.problems());
        String status = f.finalRun().path("status").asText();
        String state = status;
        if (f.scenario().failReason().isPresent()) {
            String error = f.finalRun().path("error").toString();
            state = status + " (" + abbreviate(error) + ")";
            if (!status.equals("FAILED")) {
                problems.add("the export is " + status + ", not FAILED");
            } else if (!error.toLowerCase().contains(f.scenario().failReason().get())) {
                problems.add("the export failed without '"
                        + f.scenario().failReason().get() + "' in its error: " + error);
            }
        } else {
            if (!status.equals("LOADED")) {
                problems.add("the export is " + status + ", not LOADED: "
                        + abbreviate(f.finalRun().path("error").toString()));
            }
            if (f.finalRun().path("progress").path("mismatches").size() > 0) {
                problems.add("mismatches: " + f.finalRun().path("progress").path("mismatches"));
            }
        }
        Map<String, List<String>> found = warehouse.rows(f.expected().idPrefix());
        long foundCount = 0;
        for (Map.Entry<String, Set<String>> type : f.expected().resources().entrySet()) {
            List<String> rows = found.getOrDefault(type.getKey(), List.of());
            foundCount += rows.size();
            Set<String> distinct = new LinkedHashSet<>(rows);
            if (distinct.size() != rows.size()) {
                problems.add(type.getKey() + ": " + (rows.size() - distinct.size()) + " duplicate rows");
            }
            Set<String> missing = new TreeSet<>(type.getValue());
            missing.removeAll(distinct);
            Set<String> extra = new TreeSet<>(distinct);
            extra.removeAll(type.getValue());
            if (!missing.isEmpty()) {
                problems.add(type.getKey() + ": " + missing.size() + " missing or with another version, e.g. "
                        + missing.iterator().next());
            }
            if (!extra.isEmpty()) {
                problems.add(type.getKey() + ": " + extra.size() + " not in the source, e.g. "
                        + extra.iterator().next());
            }
        }
        long rejectedFound = 0;
        for (String exportId : f.run().exportIds()) {
            rejectedFound += rejectedLines(exportId, problems);
        }
        if (rejectedFound != f.expected().rejectedLines()) {
            problems.add(rejectedFound + " rejected lines with a reason in rejected/, expected "
                    + f.expected().rejectedLines());
        }
        long deadExpected = 0;
        long deadFound = 0;
        for (Map.Entry<String, Long> sub : f.deadLettersAfter().entrySet()) {
            long delta = sub.getValue() - f.deadLettersBefore().getOrDefault(sub.getKey(), 0L);
            deadExpected += f.scenario().deadLetters();
            deadFound += delta;
            if (delta != f.scenario().deadLetters()) {
                problems.add(sub.getKey() + ": " + delta + " new dead letters, expected "
                        + f.scenario().deadLetters());
            }
        }
        return new Outcome(
                f.scenario().name(),
                f.seconds(),
                f.expected().resourceCount(),
                foundCount,
                f.expected().rejectedLines(),
                rejectedFound,
                deadExpected,
                deadFound,
                state,
                problems,
                f.run().notes());
    }

    /**
     * Lines of the export in rejected/ (the splitter's per source file, the loader's per chunk), each
     * must carry a reason; the same line rejected twice (a redelivered split) counts once.
     */
    private long rejectedLines(String exportId, List<String> problems) throws Exception {
        BlobContainerClient rejected = stack.azurite().blobServiceClient().getBlobContainerClient(Containers.REJECTED);
        if (!rejected.exists()) {
            return 0;
        }
        Set<String> lines = new HashSet<>();
        for (BlobItem blob : rejected.listBlobs(new ListBlobsOptions().setPrefix(exportId + "/"), null)) {
            // {exportId}/{Type}-{n}/{etag}/rejected.ndjson: a new etag is the same file split again
            String file = blob.getName().replaceFirst("/[^/]+/[^/]+$", "");
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    rejected.getBlobClient(blob.getName()).openInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode r = JsonHttp.JSON.readTree(line);
                    if (r.path("reason").asText().isBlank()) {
                        problems.add("a rejected line without a reason in " + blob.getName());
                    }
                    // the loader numbers lines per chunk, the splitter per source file
                    String where = blob.getName().endsWith(".loader-rejected.ndjson")
                            ? blob.getName().substring(blob.getName().lastIndexOf('/') + 1)
                            : "split";
                    lines.add(file + "#" + where + "#" + r.path("lineNumber").asLong());
                }
            }
        }
        return lines.size();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
