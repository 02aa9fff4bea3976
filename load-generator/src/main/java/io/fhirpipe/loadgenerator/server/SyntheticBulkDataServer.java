package io.fhirpipe.loadgenerator.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fhirpipe.loadgenerator.server.ExportFiles.FileEntry;
import io.fhirpipe.loadgenerator.synthetic.Population;
import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A FHIR Bulk Data server over a {@link Population}: {@code $export} at system, patient and group level
 * (GET, or POST with a Parameters body), the status URL answering {@code 202} with {@code Retry-After}
 * a configurable number of times and then the manifest (paged with {@code link} {@code next}), and file
 * downloads generated while they stream. Failures can be injected at each step ({@link ServerOptions},
 * {@link Faults}). Besides FHIR: {@code GET /plan} (the population), {@code GET /stats} (what was served)
 * and {@code GET /expected} (what an export must leave behind, {@link ExpectedOutcome}; {@code _type} and
 * {@code level=patient} as for a kick-off).
 */
final class SyntheticBulkDataServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KICKOFF = Pattern.compile("/fhir(?:/Patient|/Group/([^/]+))?/\\$export");
    private static final Pattern STATUS = Pattern.compile("/fhir/\\$export-status/([^/]+)");
    private static final Pattern FILE =
            Pattern.compile("/fhir/\\$export-file/([^/]+)/(output|deleted|error)/(\\w+)/(\\d+)\\.ndjson");
    private static final int BUFFER = 1 << 16;

    private final ServerOptions options;
    private final Population population;
    private final HttpServer http;
    private final ExecutorService workers;
    private final ServeStats stats = new ServeStats();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger kickoffs = new AtomicInteger();
    private final AtomicInteger statusPolls = new AtomicInteger();
    private final EveryNth file503;
    private final EveryNth file500;
    private final EveryNth drops;

    /**
     * Picks the first download of every n-th file for a fault (counting downloads of files it has not hit),
     * so the client's retry of that file succeeds.
     */
    private static final class EveryNth {
        private final int every;
        private final AtomicInteger downloads = new AtomicInteger();
        private final Set<String> hit = ConcurrentHashMap.newKeySet();

        EveryNth(int every) {
            this.every = every;
        }

        boolean hits(String file) {
            return every > 0 && !hit.contains(file) && downloads.incrementAndGet() % every == 0 && hit.add(file);
        }
    }

    /** Thrown to end a download without ending its body: the server then closes the connection. */
    private static final class DroppedConnection extends RuntimeException {
        DroppedConnection() {
            super("connection dropped (injected)", null, false, false);
        }
    }

    private record Job(
            String id, List<SyntheticType> types, String request, Instant transactionTime, AtomicInteger polls) {}

    private SyntheticBulkDataServer(ServerOptions options) throws IOException {
        this.options = options;
        this.population = population(options);
        this.file503 = new EveryNth(options.fileFailureEvery());
        this.file500 = new EveryNth(options.faults().file500Every());
        this.drops = new EveryNth(options.faults().dropEvery());
        this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", options.port()), 64);
        // The transfer downloads four files at once; a few more for polls and /stats.
        this.workers = Executors.newFixedThreadPool(12, r -> {
            Thread t = new Thread(r, "bulk-data-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(workers);
        http.createContext("/", this::handle);
        http.start();
    }

    public static SyntheticBulkDataServer start(ServerOptions options) {
        try {
            return new SyntheticBulkDataServer(options);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the synthetic Bulk Data server on port " + options.port(), e);
        }
    }

    static Population population(ServerOptions options) {
        return options.patients() > 0
                ? Population.ofPatients(options.seed(), options.patients())
                : Population.ofSize(options.seed(), options.targetBytes(), options.types());
    }

    /**
     * The types an export serves: those of {@code asked} the server holds (all it holds when empty), only
     * the Patient compartment's at patient or group level.
     */
    static List<SyntheticType> exportedTypes(ServerOptions options, List<SyntheticType> asked, boolean patientLevel) {
        List<SyntheticType> types = new ArrayList<>();
        for (SyntheticType t : options.types()) {
            if ((asked.isEmpty() || asked.contains(t)) && (!patientLevel || t.patientCompartment())) {
                types.add(t);
            }
        }
        return types;
    }

    /**
     * What an export of {@code types} (empty: all) must leave behind, computed from the options, as
     * {@code GET /expected} answers.
     */
    public ExpectedOutcome expected(List<SyntheticType> types, boolean patientLevel) {
        return ExpectedOutcome.of(population, options, types, patientLevel);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/fhir";
    }

    public Population population() {
        return population;
    }

    /** The population and the resources an export of every configured type holds, as {@code GET /plan} answers. */
    public Map<String, Object> plan() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", population.seed());
        m.put("patients", population.patients());
        Map<String, Long> counts = new LinkedHashMap<>();
        for (SyntheticType t : options.types()) {
            counts.put(t.resourceType(), population.count(t));
        }
        m.put("types", counts);
        m.put("resources", counts.values().stream().mapToLong(Long::longValue).sum());
        m.put("resourcesPerFile", options.resourcesPerFile());
        m.put("deletedPerType", options.deletedPerType());
        m.put("errors", options.errors());
        return m;
    }

    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        boolean dropped = false;
        try {
            route(exchange);
        } catch (DroppedConnection e) {
            // Not closing the exchange leaves the chunked body unterminated; the exception makes the
            // JDK's server close the socket, so the client reads a premature end of the body.
            dropped = true;
            throw e;
        } finally {
            if (!dropped) {
                exchange.close();
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            Matcher m;
            if (path.equals("/plan")) {
                json(exchange, 200, plan(), Map.of());
            } else if (path.equals("/stats")) {
                json(exchange, 200, stats.toMap(), Map.of());
            } else if (path.equals("/expected")) {
                Map<String, String> q = query(exchange);
                json(
                        exchange,
                        200,
                        expected(
                                        q.containsKey("_type") ? ServerOptions.types(q.get("_type")) : List.of(),
                                        "patient".equals(q.get("level")))
                                .toMap(),
                        Map.of());
            } else if (path.startsWith("/fhir/") && !delay()) {
                outcome(exchange, 503, "transient", "interrupted", Map.of());
            } else if (path.equals("/fhir/metadata")) {
                json(
                        exchange,
                        200,
                        Map.of(
                                "resourceType",
                                "CapabilityStatement",
                                "status",
                                "active",
                                "kind",
                                "instance",
                                "fhirVersion",
                                "4.0.1",
                                "format",
                                List.of("json")),
                        Map.of());
            } else if ((m = KICKOFF.matcher(path)).matches() && (method.equals("GET") || method.equals("POST"))) {
                kickoff(exchange, path.startsWith("/fhir/Patient") || m.group(1) != null);
            } else if ((m = STATUS.matcher(path)).matches()) {
                status(exchange, m.group(1), method);
            } else if ((m = FILE.matcher(path)).matches() && method.equals("GET")) {
                file(exchange, m.group(1), m.group(2), m.group(3), Integer.parseInt(m.group(4)));
            } else {
                outcome(exchange, 404, "not-found", "no " + method + " " + path + " on the synthetic server", Map.of());
            }
        } catch (IOException e) {
            // The client went away mid-file (the transfer retries from the start): nothing to answer.
        } catch (DroppedConnection e) {
            throw e;
        } catch (RuntimeException e) {
            outcome(exchange, 500, "exception", e.toString(), Map.of());
        }
    }

    /** Waits {@code --delay-ms} before a FHIR response; false when interrupted (the server is stopping). */
    private boolean delay() {
        if (options.faults().delayMillis() > 0) {
            try {
                Thread.sleep(options.faults().delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void kickoff(HttpExchange exchange, boolean patientLevel) throws IOException {
        int kickoff = kickoffs.incrementAndGet();
        if (kickoff <= options.kickoffThrottles()) {
            stats.failureInjected();
            outcome(exchange, 429, "throttled", "too many exports (injected)", retryAfter());
            return;
        }
        if (kickoff <= options.kickoffThrottles() + options.faults().kickoff500()) {
            stats.failureInjected();
            outcome(exchange, 500, "transient", "internal server error (injected)", Map.of());
            return;
        }
        String typeParam = query(exchange).get("_type");
        if (exchange.getRequestMethod().equals("POST")) {
            typeParam = postedTypes(exchange.getRequestBody(), typeParam);
        }
        List<SyntheticType> asked = new ArrayList<>();
        for (SyntheticType t : options.types()) {
            if (typeParam != null && List.of(typeParam.split(",")).contains(t.resourceType())) {
                asked.add(t);
            }
        }
        // _type naming only types the server does not hold asks for none of its types
        List<SyntheticType> types =
                typeParam != null && asked.isEmpty() ? List.of() : exportedTypes(options, asked, patientLevel);
        String id = UUID.randomUUID().toString();
        String request = "http://" + exchange.getRequestHeaders().getFirst("Host") + exchange.getRequestURI();
        jobs.put(id, new Job(id, types, request, Instant.now(), new AtomicInteger()));
        exchange.getResponseHeaders().add("Content-Location", baseUrl() + "/$export-status/" + id);
        exchange.sendResponseHeaders(202, -1);
    }

    private void status(HttpExchange exchange, String id, String method) throws IOException {
        Job job = jobs.get(id);
        if (job == null) {
            outcome(exchange, 404, "not-found", "no export " + id, Map.of());
            return;
        }
        if (method.equals("DELETE")) {
            jobs.remove(id);
            exchange.sendResponseHeaders(202, -1);
            return;
        }
        int poll = statusPolls.incrementAndGet();
        if (options.statusThrottleEvery() > 0 && poll % options.statusThrottleEvery() == 0) {
            stats.failureInjected();
            outcome(exchange, 429, "throttled", "slow down (injected)", retryAfter());
            return;
        }
        if (options.faults().status500Every() > 0 && poll % options.faults().status500Every() == 0) {
            stats.failureInjected();
            outcome(exchange, 500, "transient", "internal server error, retry (injected)", retryAfter());
            return;
        }
        if (job.polls().incrementAndGet() <= options.pendingPolls()
                || options.faults().neverFinish()) {
            exchange.getResponseHeaders()
                    .add("X-Progress", "generating (poll " + job.polls().get() + ")");
            exchange.getResponseHeaders()
                    .add("Retry-After", Long.toString(options.retryAfter().toSeconds()));
            exchange.sendResponseHeaders(202, -1);
            return;
        }
        if (options.failExport()) {
            // "exception" is a transient IssueType (a child of "transient"), which the Bulk Data IG reserves
            // for a poll that failed while the job goes on; a failed job answers with a non-transient code.
            outcome(exchange, 500, "processing", "the export failed (injected)", Map.of());
            return;
        }
        List<FileEntry> files = ExportFiles.of(population, job.types(), options);
        int page = Integer.parseInt(query(exchange).getOrDefault("page", "0"));
        int size = options.manifestPageSize() <= 0 ? Math.max(1, files.size()) : options.manifestPageSize();
        List<FileEntry> onPage =
                files.subList(Math.min(files.size(), page * size), Math.min(files.size(), (page + 1) * size));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("transactionTime", job.transactionTime().toString());
        manifest.put("request", job.request());
        manifest.put("requiresAccessToken", false);
        for (ExportFiles.Kind kind : ExportFiles.Kind.values()) {
            List<Map<String, Object>> entries = new ArrayList<>();
            for (FileEntry f : onPage) {
                if (f.kind() == kind) {
                    entries.add(Map.of("type", f.type(), "url", origin() + f.path(id), "count", f.count()));
                }
            }
            manifest.put(kind.wire, entries);
        }
        if ((page + 1) * size < files.size()) {
            manifest.put(
                    "link",
                    List.of(Map.of(
                            "relation", "next", "url", baseUrl() + "/$export-status/" + id + "?page=" + (page + 1))));
        }
        stats.manifestServed();
        json(exchange, 200, manifest, Map.of());
    }

    private void file(HttpExchange exchange, String id, String kind, String type, int index) throws IOException {
        Job job = jobs.get(id);
        FileEntry file = job == null
                ? null
                : ExportFiles.find(ExportFiles.of(population, job.types(), options), kind, type, index);
        if (file == null) {
            outcome(exchange, 404, "not-found", "no such file", Map.of());
            return;
        }
        boolean output = file.kind() == ExportFiles.Kind.OUTPUT;
        if (output && file503.hits(file.path(id))) {
            stats.failureInjected();
            outcome(exchange, 503, "transient", "file temporarily unavailable (injected)", retryAfter());
            return;
        }
        if (output && file500.hits(file.path(id))) {
            stats.failureInjected();
            outcome(exchange, 500, "exception", "internal server error (injected)", Map.of());
            return;
        }
        boolean drop = output && drops.hits(file.path(id));
        exchange.getResponseHeaders().add("Content-Type", "application/fhir+ndjson");
        exchange.sendResponseHeaders(200, 0);
        OutputStream body = new ThrottledOutputStream(
                exchange.getResponseBody(), options.faults().bytesPerSecond());
        if (drop) {
            OutputStream out = new BufferedOutputStream(body, BUFFER);
            ExportFiles.write(file, population, options.faults(), out, stats, file.count() / 2);
            out.flush();
            stats.failureInjected();
            throw new DroppedConnection();
        }
        try (OutputStream out = new BufferedOutputStream(body, BUFFER)) {
            ExportFiles.write(file, population, options.faults(), out, stats);
        }
        stats.fileDone();
    }

    private String origin() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    private Map<String, String> retryAfter() {
        return Map.of("Retry-After", Long.toString(options.retryAfter().toSeconds()));
    }

    private static String postedTypes(InputStream body, String fallback) throws IOException {
        JsonNode parameters = JSON.readTree(body.readAllBytes());
        List<String> types = new ArrayList<>();
        if (parameters != null) {
            for (JsonNode p : parameters.path("parameter")) {
                if ("_type".equals(p.path("name").asText())) {
                    types.add(p.path("valueString").asText());
                }
            }
        }
        return types.isEmpty() ? fallback : String.join(",", types);
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                q.merge(key, value, (a, b) -> a + "," + b);
            }
        }
        return q;
    }

    private static void outcome(
            HttpExchange exchange, int status, String code, String diagnostics, Map<String, String> headers)
            throws IOException {
        json(
                exchange,
                status,
                Map.of(
                        "resourceType",
                        "OperationOutcome",
                        "issue",
                        List.of(Map.of(
                                "severity",
                                status >= 500 && status != 503 ? "fatal" : "error",
                                "code",
                                code,
                                "diagnostics",
                                diagnostics))),
                headers);
    }

    private static void json(HttpExchange exchange, int status, Object body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
