package io.fhirpipe.testsupport.fhir;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake FHIR Bulk Data server on {@code http://127.0.0.1:<free port>/fhir} that answers from a
 * script and records every request.
 *
 * <pre>{@code
 * try (RecordedBulkDataServer fhir = RecordedBulkDataServer.start()) {
 *     fhir.enqueue("GET", "/$export", RecordedResponse.fixture("01-system-kickoff"));
 *     fhir.enqueue("GET", "/$export-poll-status", RecordedResponse.fixture("02-system-poll-inprogress"));
 *     fhir.always("GET", "/$export-poll-status", RecordedResponse.fixture("03-system-manifest"));
 *     ... run the client against fhir.baseUrl() ...
 *     fhir.awaitRequests(3, Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p><b>Matching.</b> A script is keyed by method and a path prefix relative to the base URL
 * ({@code /$export}, {@code /Group/g1/$export}, {@code /Binary/}); a prefix with the base path
 * ({@code /fhir/...}) or the full base URL is accepted too. A prefix matches the request's raw
 * path-and-query if it is a prefix that ends at a boundary (the prefix ends with {@code /},
 * {@code ?}, {@code &} or {@code =}, or the request continues with one of {@code / ? &}, or nothing
 * follows), so {@code /$export} does not match {@code /$export-poll-status}. Of several matching
 * prefixes the longest wins. Its queued responses are served first-in first-out; once the queue is
 * empty the {@link #always sticky} response answers, and without one the request gets the
 * unscripted answer: 404 with an OperationOutcome.
 */
public final class RecordedBulkDataServer implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final String BASE_PATH = "/fhir";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String baseUrl;
    // Guarded by "this": scripts and requests change together with request handling.
    private final Map<Key, Script> scripts = new LinkedHashMap<>();
    private final List<RecordedRequest> requests = new ArrayList<>();

    private RecordedBulkDataServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.baseUrl = "http://" + HOST + ":" + server.getAddress().getPort() + BASE_PATH;
    }

    /** Starts the server on a free port. */
    public static RecordedBulkDataServer start() {
        AtomicInteger threads = new AtomicInteger();
        // One thread per request, so a delayed response does not hold up the others.
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "recorded-bulk-data-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(HOST), 0), 0);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot bind the fake Bulk Data server on " + HOST, e);
        }
        RecordedBulkDataServer fake = new RecordedBulkDataServer(server, executor);
        server.createContext("/", fake::handle);
        server.setExecutor(executor);
        server.start();
        return fake;
    }

    /** {@code http://127.0.0.1:<port>/fhir}. */
    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** An absolute URL on this server: {@code url("$export")} is {@code <baseUrl>/$export}. */
    public String url(String relative) {
        return baseUrl + "/" + (relative.startsWith("/") ? relative.substring(1) : relative);
    }

    /** Replaces the recorded servers' base URLs in {@code recorded} (e.g. a {@code .status-url} fixture) by this one's. */
    public String rewrite(String recorded) {
        return RecordedResponse.rewrite(recorded, baseUrl);
    }

    /** Queues {@code response} for the next matching request that finds no earlier response queued. */
    public synchronized RecordedBulkDataServer enqueue(String method, String pathPrefix, RecordedResponse response) {
        script(method, pathPrefix).queue.add(new Answer(Objects.requireNonNull(response, "response")));
        return this;
    }

    /**
     * Queues a dropped connection: the matching request is read, recorded and then the connection is
     * closed without any response, as a crashed or restarted server would. Note that the JDK
     * HttpClient retries a GET (any idempotent request) once after such a drop, and the retry takes
     * the next scripted answer.
     */
    public synchronized RecordedBulkDataServer enqueueConnectionDrop(String method, String pathPrefix) {
        script(method, pathPrefix).queue.add(Answer.DROP);
        return this;
    }

    /**
     * Drops the connection of every matching request whose queue is empty (sticky), as an
     * unreachable server would. The JDK HttpClient retries an idempotent request once after a
     * dropped connection, so a single {@link #enqueueConnectionDrop} is invisible to a GET.
     */
    public synchronized RecordedBulkDataServer alwaysConnectionDrop(String method, String pathPrefix) {
        script(method, pathPrefix).sticky = Answer.DROP;
        return this;
    }

    /** The response for matching requests whenever their queue is empty (sticky). Replaces an earlier one. */
    public synchronized RecordedBulkDataServer always(String method, String pathPrefix, RecordedResponse response) {
        script(method, pathPrefix).sticky = new Answer(Objects.requireNonNull(response, "response"));
        return this;
    }

    /** Forgets all scripts and recorded requests, so one server can serve several tests. */
    public synchronized void reset() {
        scripts.clear();
        requests.clear();
    }

    /** The requests received so far, oldest first. */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * Waits until at least {@code count} requests have arrived and returns all of them.
     *
     * @throws AssertionError naming the requests that did arrive, if fewer came in time
     */
    public synchronized List<RecordedRequest> awaitRequests(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " requests within " + timeout + ", got "
                        + requests.size() + ": " + requests);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for requests", e);
            }
        }
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "RecordedBulkDataServer[" + baseUrl + "]";
    }

    private Script script(String method, String pathPrefix) {
        return scripts.computeIfAbsent(
                new Key(method.toUpperCase(Locale.ROOT), normalize(pathPrefix)), key -> new Script());
    }

    private String normalize(String pathPrefix) {
        String prefix = Objects.requireNonNull(pathPrefix, "pathPrefix");
        if (prefix.startsWith(baseUrl)) {
            prefix = prefix.substring(baseUrl.length());
        } else if (prefix.equals(BASE_PATH) || prefix.startsWith(BASE_PATH + "/")) {
            prefix = prefix.substring(BASE_PATH.length());
        }
        return prefix.startsWith("/") ? prefix : "/" + prefix;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        Answer answer =
                record(new RecordedRequest(method, path, query, exchange.getRequestHeaders(), body, Instant.now()));
        if (answer == Answer.DROP) {
            // HttpServer closes the connection without a response when a handler throws before
            // closing the exchange (closing it first would complete an empty response).
            throw new ConnectionDrop();
        }
        try (exchange) {
            RecordedResponse response =
                    answer == null ? unscripted(method, path, query) : answer.response.servedFrom(baseUrl);
            send(exchange, method, response);
        }
    }

    private synchronized Answer record(RecordedRequest request) {
        requests.add(request);
        notifyAll();
        if (!request.path().equals(BASE_PATH) && !request.path().startsWith(BASE_PATH + "/")) {
            return null;
        }
        String target = request.target().substring(BASE_PATH.length());
        Script best = null;
        int bestLength = -1;
        for (Map.Entry<Key, Script> entry : scripts.entrySet()) {
            Key key = entry.getKey();
            if (key.method.equals(request.method())
                    && matches(key.prefix, target)
                    && key.prefix.length() > bestLength) {
                best = entry.getValue();
                bestLength = key.prefix.length();
            }
        }
        if (best == null) {
            return null;
        }
        Answer next = best.queue.poll();
        return next != null ? next : best.sticky;
    }

    static boolean matches(String prefix, String target) {
        if (!target.startsWith(prefix)) {
            return false;
        }
        if (target.length() == prefix.length()) {
            return true;
        }
        char last = prefix.charAt(prefix.length() - 1);
        char next = target.charAt(prefix.length());
        return last == '/' || last == '?' || last == '&' || last == '=' || next == '/' || next == '?' || next == '&';
    }

    private static RecordedResponse unscripted(String method, String path, String query) {
        return RecordedResponse.operationOutcome(
                404,
                "not-found",
                "fhirpipe RecordedBulkDataServer: no response" + " scripted for " + method + " " + path
                        + (query == null ? "" : "?" + query));
    }

    private static void send(HttpExchange exchange, String method, RecordedResponse response) throws IOException {
        if (!response.delay().isZero()) {
            try {
                Thread.sleep(response.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Headers headers = exchange.getResponseHeaders();
        response.headers().forEach(h -> headers.add(h.name(), h.value()));
        byte[] body = response.body();
        boolean noBody =
                body.length == 0 || method.equals("HEAD") || response.status() == 204 || response.status() == 304;
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private record Key(String method, String prefix) {}

    private static final class Script {
        final Deque<Answer> queue = new ArrayDeque<>();
        Answer sticky;
    }

    private record Answer(RecordedResponse response) {
        static final Answer DROP = new Answer(null);
    }

    private static final class ConnectionDrop extends RuntimeException {
        ConnectionDrop() {
            super("scripted connection drop", null, false, false);
        }
    }
}
