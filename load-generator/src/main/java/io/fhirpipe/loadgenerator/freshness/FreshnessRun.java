package io.fhirpipe.loadgenerator.freshness;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.loadgenerator.load.JsonHttp;
import io.fhirpipe.loadgenerator.work.WorkFolder;
import io.fhirpipe.testsupport.stack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One freshness measurement: the local stack with the {@value FreshnessOptions#JOB} job on the given
 * schedule, its first (full) export waited for, then the writer and the reader side by side.
 */
final class FreshnessRun {

    private static final Duration FIRST_EXPORT_TIMEOUT = Duration.ofMinutes(15);
    private static final int IDS_PER_READ = 100;

    private final FreshnessOptions options;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final WriteLog log = new WriteLog();

    FreshnessRun(FreshnessOptions options) {
        this.options = options;
    }

    /** @return the printed table */
    String run() throws Exception {
        prepareWork();
        LocalStack.Builder builder = LocalStack.builder()
                .root(options.root())
                .workDirectory(options.work())
                .seedPatients(options.patients())
                .startTimeout(Duration.ofMinutes(10));
        String job = "fhirpipe.jobs." + FreshnessOptions.JOB + ".";
        builder.config("export-trigger", job + "cron", options.cron())
                .config("export-trigger", job + "server", "local")
                .config("export-trigger", job + "level", "system")
                .config("export-trigger", job + "types", "Patient,Observation");
        System.out.println("== starting the local stack (" + options.patients() + " seeded patients, job "
                + FreshnessOptions.JOB + " on cron \"" + options.cron() + "\"; logs "
                + options.work().resolve("logs")
                + ")");
        AtomicReference<LocalStack> running = new AtomicReference<>();
        Thread stopOnSignal = new Thread(
                () -> {
                    LocalStack s = running.getAndSet(null);
                    if (s != null) {
                        s.close();
                    }
                },
                "freshness-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        Instant stackStart = Instant.now();
        try (LocalStack stack = builder.start()) {
            running.set(stack);
            System.out.printf(
                    "== stack ready in %d s%n",
                    Duration.between(stackStart, Instant.now()).toSeconds());
            return measure(stack);
        } finally {
            System.out.println("== stopping the local stack");
            running.set(null);
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnSignal);
            } catch (IllegalStateException alreadyStopping) {
                // the hook is running: it stops the stack
            }
        }
    }

    List<String> failures() {
        return FreshnessReport.failures(options, log);
    }

    private String measure(LocalStack stack) throws Exception {
        ExportRun first = awaitFirstLoaded(stack.triggerUrl());
        System.out.printf(
                "== first (full) export %s loaded in %.0f s, %,d rows; writing for %.1f min%n",
                first.exportId(),
                first.seconds(),
                first.rowsLoaded(),
                options.minutes().toMillis() / 60000.0);
        requireReadEndpoint(stack.serviceUrl("synapse-loader"));
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> read(stack.serviceUrl("synapse-loader"), reading), "freshness-reader");
        reader.setDaemon(true);
        reader.start();
        FhirWriter writer = new FhirWriter(stack.fhirBaseUrl(), http, options.patients(), 20261203L);
        long start = System.nanoTime();
        long end = start + options.minutes().toNanos();
        long lastPrint = start;
        for (int seq = 0; System.nanoTime() < end; seq++) {
            long next = start + (seq + 1) * options.writeEvery().toNanos();
            log.add(writer.write(seq));
            if (System.nanoTime() - lastPrint > 15_000_000_000L) {
                progress(start);
                lastPrint = System.nanoTime();
            }
            Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
        }
        System.out.printf(
                "== writer done (%d writes); waiting up to %d s for the rest to be seen%n",
                log.size(), options.drain().toSeconds());
        long drainEnd = System.nanoTime() + options.drain().toNanos();
        while (!log.unseen().isEmpty() && System.nanoTime() < drainEnd) {
            if (System.nanoTime() - lastPrint > 15_000_000_000L) {
                progress(start);
                lastPrint = System.nanoTime();
            }
            Thread.sleep(500);
        }
        reading.set(false);
        reader.join(10_000);
        List<ExportRun> exports = jobExports(stack.triggerUrl());
        List<ExportRun> later = exports.stream()
                .filter(e -> e.createdAt().isAfter(first.createdAt()))
                .toList();
        String table = FreshnessReport.table(options, log, first, later, machine());
        Files.writeString(options.work().resolve("freshness.txt"), table);
        return table;
    }

    /** Cores and load average at the end: on a busy machine every stage waits for CPU. */
    private static String machine() {
        String load;
        try {
            String[] avg = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            load = "load average " + avg[0] + " / " + avg[1] + " / " + avg[2] + " (1 / 5 / 15 min)";
        } catch (IOException | RuntimeException e) {
            load = "load average unknown";
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + load;
    }

    private void progress(long start) {
        Percentiles p = log.latencies();
        System.out.printf(
                "  %5.0f s  writes %4d  seen %4d  waiting %3d   p50 %s s  max %s s%n",
                (System.nanoTime() - start) / 1e9,
                log.size(),
                p.count(),
                log.size() - p.count(),
                Double.isNaN(p.p50()) ? "-" : String.format("%.1f", p.p50()),
                Double.isNaN(p.max()) ? "-" : String.format("%.1f", p.max()));
    }

    /** Polls the typed views about every second until stopped; a failed poll is reported and retried. */
    private void read(String loader, AtomicBoolean reading) {
        String lastProblem = null;
        while (reading.get()) {
            long tick = System.nanoTime();
            try {
                for (Map.Entry<String, Set<String>> type : log.pending().entrySet()) {
                    List<String> ids = new ArrayList<>(type.getValue());
                    for (int i = 0; i < ids.size(); i += IDS_PER_READ) {
                        readBatch(loader, type.getKey(), ids.subList(i, Math.min(ids.size(), i + IDS_PER_READ)));
                    }
                }
                lastProblem = null;
            } catch (RuntimeException e) {
                if (!e.getMessage().equals(lastProblem)) {
                    System.out.println("  reader: " + e.getMessage() + " (retrying)");
                    lastProblem = e.getMessage();
                }
            }
            try {
                Thread.sleep(Math.max(0, 1000 - (System.nanoTime() - tick) / 1_000_000));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void readBatch(String loader, String resourceType, List<String> ids) {
        StringBuilder url = new StringBuilder(loader)
                .append("/warehouse/views/")
                .append(resourceType.toLowerCase(java.util.Locale.ROOT))
                .append("/last-updated?");
        for (String id : ids) {
            url.append(url.charAt(url.length() - 1) == '?' ? "" : "&")
                    .append("id=")
                    .append(URLEncoder.encode(id, StandardCharsets.UTF_8));
        }
        JsonNode answer = getJson(url.toString());
        // the answer arrived now; the row may have been there a little earlier (at most one poll)
        Instant at = Instant.now();
        answer.path("rows").fields().forEachRemaining(row -> {
            if (row.getValue().isTextual()) {
                log.observe(
                        resourceType, row.getKey(), Instant.parse(row.getValue().asText()), at);
            }
        });
    }

    /** A loader built before the endpoint existed would leave every write unseen; say so at once instead. */
    private void requireReadEndpoint(String loader) throws IOException, InterruptedException {
        String url = loader + "/warehouse/views/patient/last-updated?id=pt-00001";
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + url + " answered " + response.statusCode() + " " + response.body()
                            + ": is synapse-loader built from this checkout? mvn -B -ntp install -DskipTests -pl synapse-loader");
        }
    }

    private ExportRun awaitFirstLoaded(String trigger) throws InterruptedException {
        long deadline = System.nanoTime() + FIRST_EXPORT_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            List<ExportRun> exports = jobExports(trigger);
            if (!exports.isEmpty()) {
                ExportRun first = exports.get(0);
                String state = first.exportId() + " " + first.status();
                if (!state.equals(last)) {
                    System.out.println("  first export " + state);
                    last = state;
                }
                if (first.status().equals("LOADED")) {
                    return first;
                }
                if (first.status().equals("FAILED") || first.status().equals("CANCELLED")) {
                    throw new IllegalStateException("the job's first export " + first.exportId() + " ended "
                            + first.status() + ": see GET " + trigger + "/exports/" + first.exportId());
                }
            }
            Thread.sleep(2000);
        }
        throw new IllegalStateException("the job's first export was not loaded within " + FIRST_EXPORT_TIMEOUT);
    }

    /** The job's exports, oldest first. */
    private List<ExportRun> jobExports(String trigger) {
        List<ExportRun> runs = new ArrayList<>();
        for (JsonNode item : getJson(trigger + "/exports?job=" + FreshnessOptions.JOB + "&size=200")
                .path("items")) {
            runs.add(ExportRun.of(getJson(trigger + item.path("href").asText())));
        }
        runs.sort(Comparator.comparing(ExportRun::createdAt));
        return runs;
    }

    /**
     * A measurement starts from nothing (no watermark, an empty warehouse), so the first export is a
     * full one. Only a folder this command made (it holds the marker file) is ever emptied.
     */
    private void prepareWork() throws IOException {
        WorkFolder.prepare(options.work(), "freshness", name -> false);
    }

    private static JsonNode getJson(String url) {
        return JsonHttp.get(url, Duration.ofSeconds(60));
    }
}
