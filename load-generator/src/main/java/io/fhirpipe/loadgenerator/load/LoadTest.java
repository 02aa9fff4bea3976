package io.fhirpipe.loadgenerator.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.loadgenerator.server.SyntheticBulkDataMain;
import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import io.fhirpipe.loadgenerator.work.WorkFolder;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.testsupport.stack.LocalStack;
import io.fhirpipe.testsupport.stack.ManagedProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One load test: the synthetic server and the local stack as processes, one export requested through
 * the trigger's API and followed to LOADED, sampled every interval, then checked against the warehouse.
 */
final class LoadTest {

    static final String SERVER = "synthetic-bulk-data";
    private static final Pattern READY = Pattern.compile("BULK DATA READY url=(\\S+)");
    private static final ObjectMapper JSON = JsonHttp.JSON;

    private final LoadOptions options;
    private final List<String> queues = QueueNames.of(Topology.standard());
    private final Map<String, Long> peakRss = new LinkedHashMap<>();

    LoadTest(LoadOptions options) {
        this.options = options;
    }

    LoadResult run() throws Exception {
        prepareWork();
        Path logs = options.work().resolve("logs");
        List<String> serverCommand = new ArrayList<>(List.of(
                ManagedProcess.java(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                SyntheticBulkDataMain.class.getName()));
        serverCommand.addAll(options.serverArgs());
        System.out.println("== starting the synthetic Bulk Data server (" + options.size() + ", seed " + options.seed()
                + ", log " + logs.resolve(SERVER + ".log") + ")");
        try (ManagedProcess server =
                ManagedProcess.start(SERVER, serverCommand, Map.of(), logs.resolve(SERVER + ".log"))) {
            String fhir = server.awaitLine(READY, Duration.ofSeconds(60)).group(1);
            String serverRoot = fhir.substring(0, fhir.length() - "/fhir".length());
            JsonNode plan = getJson(serverRoot + "/plan");
            Map<String, Long> expected = expectedCounts(plan);
            System.out.printf(
                    "== %s: %,d patients, %,d resources of %d types%n",
                    fhir,
                    plan.path("patients").asLong(),
                    expected.values().stream().mapToLong(Long::longValue).sum(),
                    expected.size());
            // Ctrl-C or SIGTERM stops what this test started, as a normal end does.
            java.util.concurrent.atomic.AtomicReference<LocalStack> running =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread stopOnSignal = new Thread(
                    () -> {
                        LocalStack s = running.getAndSet(null);
                        if (s != null) {
                            s.close();
                        }
                        server.close();
                    },
                    "load-test-shutdown");
            Runtime.getRuntime().addShutdownHook(stopOnSignal);
            LocalStack.Builder builder = LocalStack.builder()
                    .root(options.root())
                    .workDirectory(options.work())
                    .fhirBaseUrl(fhir)
                    // a busy machine (what load tests run on) may take minutes to start four JVMs at once
                    .startTimeout(Duration.ofMinutes(10))
                    // the synthetic server lists its deletes in the manifest (deleted[]), it has no _history
                    .config("export-poller", "fhirpipe.servers.local.deletes", "manifest")
                    .config("ndjson-splitter", "fhirpipe.splitter.max-lines", Integer.toString(options.maxLines()));
            if (!options.jvmOptions().isEmpty() || options.memory().equals("unbounded")) {
                builder.serviceJvmOptions(options.jvmOptions());
            }
            for (String c : options.serviceConfig()) {
                int colon = c.indexOf(':');
                int eq = c.indexOf('=');
                builder.config(c.substring(0, colon), c.substring(colon + 1, eq), c.substring(eq + 1));
            }
            options.heap().ifPresent(builder::serviceHeap);
            options.duckDbMemory()
                    .ifPresent(m -> builder.config("synapse-loader", "fhirpipe.loader.duckdb.memory-limit", m));
            options.duckDbThreads()
                    .ifPresent(n ->
                            builder.config("synapse-loader", "fhirpipe.loader.duckdb.threads", Integer.toString(n)));
            System.out.println("== starting the local stack (" + options.describeMemory() + "; logs " + logs + ")");
            Instant stackStart = Instant.now();
            try (LocalStack stack = builder.start()) {
                running.set(stack);
                System.out.printf(
                        "== stack ready in %d s%n",
                        Duration.between(stackStart, Instant.now()).toSeconds());
                Map<String, Long> pids = new LinkedHashMap<>(stack.processIds());
                pids.put(SERVER, server.pid());
                try (BrokerQueues broker =
                        BrokerQueues.connect("127.0.0.1", stack.amqpPort(), stack.brokerCredentials())) {
                    return follow(stack, broker, pids, serverRoot, plan, expected);
                }
            } finally {
                System.out.println("== stopping the local stack and the synthetic server");
                running.set(null);
                try {
                    Runtime.getRuntime().removeShutdownHook(stopOnSignal);
                } catch (IllegalStateException alreadyStopping) {
                    // the hook is running: it stops everything
                }
            }
        }
    }

    private LoadResult follow(
            LocalStack stack,
            BrokerQueues broker,
            Map<String, Long> pids,
            String serverRoot,
            JsonNode plan,
            Map<String, Long> expected)
            throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("server", "local");
        request.put("level", options.level());
        request.put("types", new ArrayList<>(expected.keySet()));
        if (options.level().equals("group")) {
            request.put("groupId", "all");
        }
        long requestedAt = System.currentTimeMillis();
        String exportId = JsonHttp.post(stack.triggerUrl() + "/exports", request, 202)
                .path("exportId")
                .asText();
        System.out.println("== export " + exportId + " requested: " + JSON.writeValueAsString(request));
        List<Sample> samples = new ArrayList<>();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        JsonNode run;
        long lastPrint = 0;
        String failure = null;
        String lastProgress = "";
        long lastChange = System.nanoTime();
        while (true) {
            long tick = System.nanoTime();
            run = getJson(stack.triggerUrl() + "/exports/" + exportId);
            JsonNode stats = getJson(serverRoot + "/stats");
            Sample sample = sample((System.currentTimeMillis() - requestedAt) / 1000.0, run, stats, pids, broker);
            samples.add(sample);
            String status = run.path("status").asText();
            if (System.nanoTime() - lastPrint > 10_000_000_000L || !status.matches("REQUESTED|ACCEPTED|EXPORTED")) {
                printProgress(sample, expected);
                lastPrint = System.nanoTime();
            }
            if (!status.matches("REQUESTED|ACCEPTED|EXPORTED")) {
                break;
            }
            String progress = status + sample.linesServed() + "/" + sample.linesSplit() + "/" + sample.rowsLoaded();
            if (!progress.equals(lastProgress)) {
                lastProgress = progress;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > options.stall().toNanos()) {
                // what was measured up to here (memory, queues, the plot) is the point of a failed load test
                failure = "no progress for " + options.stall().toSeconds() + " s (status " + status + ", served "
                        + sample.linesServed() + ", split " + sample.linesSplit() + ", loaded " + sample.rowsLoaded()
                        + "); look for WARN/ERROR in " + stack.logs();
                break;
            }
            if (System.nanoTime() > deadline) {
                failure = "export " + exportId + " not loaded within " + options.timeout() + " (status " + status + ")";
                break;
            }
            Thread.sleep(Math.max(0, options.interval().toMillis() - (System.nanoTime() - tick) / 1_000_000));
        }
        JsonNode stats = getJson(serverRoot + "/stats");
        Map<String, Long> warehouse = new LinkedHashMap<>();
        if (run.path("status").asText().equals("LOADED")) {
            for (JsonNode table : getJson(
                            stack.serviceUrl("synapse-loader") + "/warehouse/tables",
                            // the loader answers once it holds the warehouse lock, which a curated snapshot may hold
                            // for minutes
                            Duration.ofMinutes(10))
                    .path("tables")) {
                warehouse.put(table.path("name").asText(), table.path("rows").asLong());
            }
        }
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            peakRss.merge(p.getKey(), ProcessMemory.of(p.getValue()).peakBytes(), Math::max);
        }
        return new LoadResult(
                options,
                exportId,
                failure,
                requestedAt,
                run,
                stats,
                plan,
                expected,
                warehouse,
                samples,
                Map.copyOf(peakRss),
                stack.logs());
    }

    private Sample sample(double seconds, JsonNode run, JsonNode stats, Map<String, Long> pids, BrokerQueues broker) {
        long split = 0;
        long loaded = 0;
        var types = run.path("progress").path("types").fields();
        while (types.hasNext()) {
            var t = types.next();
            if (!t.getKey().startsWith("deleted:")) {
                split += t.getValue().path("linesSplit").asLong();
                loaded += t.getValue().path("rowsLoaded").asLong();
            }
        }
        Map<String, Long> rss = new LinkedHashMap<>();
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            ProcessMemory m = ProcessMemory.of(p.getValue());
            rss.put(p.getKey(), m.rssBytes());
            peakRss.merge(p.getKey(), m.peakBytes(), Math::max);
        }
        return new Sample(
                seconds,
                run.path("status").asText(),
                stats.path("bytes").asLong(),
                stats.path("lines").asLong(),
                split,
                loaded,
                rss,
                broker.depths(queues));
    }

    private static void printProgress(Sample s, Map<String, Long> expected) {
        long total = expected.values().stream().mapToLong(Long::longValue).sum();
        long waiting =
                s.queueDepths().values().stream().mapToLong(v -> Math.max(0, v)).sum();
        System.out.printf(
                "  %6.0f s  %-8s served %,11d  split %,11d  loaded %,11d / %,d   messages waiting %,d%n",
                s.seconds(), s.status(), s.linesServed(), s.linesSplit(), s.rowsLoaded(), total, waiting);
    }

    private Map<String, Long> expectedCounts(JsonNode plan) {
        Map<String, Long> expected = new LinkedHashMap<>();
        for (SyntheticType t : options.types()) {
            if (options.level().equals("system") || t.patientCompartment()) {
                expected.put(
                        t.resourceType(),
                        plan.path("types").path(t.resourceType()).asLong());
            }
        }
        return expected;
    }

    /**
     * A load test starts from nothing: an empty broker, storage and warehouse, so the rows it counts are
     * its own. Only a folder this command made (it holds the marker file) is ever emptied.
     */
    private void prepareWork() throws IOException {
        // Earlier results (load-<size>.png / .csv / .txt) stay, for comparing runs.
        WorkFolder.prepare(options.work(), "load", name -> name.startsWith("load-"));
    }

    private static JsonNode getJson(String url) {
        return JsonHttp.get(url);
    }

    private static JsonNode getJson(String url, Duration timeout) {
        return JsonHttp.get(url, timeout);
    }
}
