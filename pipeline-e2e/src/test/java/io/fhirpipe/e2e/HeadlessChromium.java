package io.fhirpipe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, with one page, driven over the Chrome DevTools Protocol on the
 * JDK's WebSocket client: enough to click and read a page as a person would, without a WebDriver.
 * Each browser has its own temporary profile; {@link #close()} ends every process of it and deletes
 * the profile, whatever happened before.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final List<ProcessHandle> processes;
    private final Path profile;
    private final Path log;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path profile, Path log, WebSocket socket) {
        this.process = process;
        this.processes = process.descendants().toList();
        this.profile = profile;
        this.log = log;
        this.socket = socket;
    }

    /** The {@code chromium} on the PATH (Debian's package installs {@code /usr/bin/chromium}). */
    static Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "chromium");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Starts the browser on {@code url} and connects to that page's DevTools endpoint. */
    static HeadlessChromium open(Path binary, String url, Duration startTimeout) {
        Path profile;
        try {
            profile = Files.createTempDirectory("fhirpipe-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Beside the profile, not in it: the browser's own files are deleted with it, its log is
        // only read when something went wrong before that.
        Path log = profile.resolveSibling(profile.getFileName() + ".log");
        Process process = null;
        try {
            process = new ProcessBuilder(
                            binary.toString(),
                            "--headless",
                            "--no-sandbox",
                            "--disable-background-networking",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--disable-extensions",
                            "--no-first-run",
                            "--no-default-browser-check",
                            "--remote-debugging-address=127.0.0.1",
                            "--remote-debugging-port=0",
                            "--user-data-dir=" + profile,
                            url)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            int port = devToolsPort(process, profile, log, startTimeout);
            String pageSocket = pageSocket(port, url);
            Listener listener = new Listener();
            WebSocket socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .buildAsync(URI.create(pageSocket), listener)
                    .get(10, TimeUnit.SECONDS);
            HeadlessChromium browser = new HeadlessChromium(process, profile, log, socket);
            listener.browser = browser;
            // The page target shows about:blank until the navigation commits: wait for the document itself.
            browser.await(
                    "the document at " + url,
                    "location.href === " + Api.JSON.writeValueAsString(url) + " && document.readyState === 'complete'",
                    startTimeout);
            return browser;
        } catch (IOException e) {
            end(process, profile, log);
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(process, profile, log);
            throw new IllegalStateException(e);
        } catch (RuntimeException | AssertionError | ExecutionException | TimeoutException e) {
            String output = readLog(log);
            end(process, profile, log);
            throw new IllegalStateException("chromium did not start on " + url + ": " + e + "\n" + output, e);
        }
    }

    /**
     * Evaluates a JavaScript expression in the page (a promise is awaited) and returns its value as
     * JSON; a thrown exception fails with its description.
     */
    JsonNode evaluate(String expression) {
        int id = ids.incrementAndGet();
        ObjectNode command = Api.JSON.createObjectNode().put("id", id).put("method", "Runtime.evaluate");
        command.putObject("params")
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true)
                .put("userGesture", true);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(command.toString(), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode result = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (result.has("error")) {
                throw new IllegalStateException("Runtime.evaluate failed: " + result.get("error"));
            }
            JsonNode evaluated = result.path("result");
            if (evaluated.has("exceptionDetails")) {
                JsonNode details = evaluated.get("exceptionDetails");
                throw new IllegalStateException("the page threw: "
                        + details.path("exception")
                                .path("description")
                                .asText(details.path("text").asText()) + "\nin: " + expression);
            }
            JsonNode value = evaluated.path("result").path("value");
            return value.isMissingNode() ? Api.JSON.nullNode() : value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "no answer from chromium to Runtime.evaluate: " + e + "\n" + readLog(log), e);
        } finally {
            pending.remove(id);
        }
    }

    /**
     * Evaluates {@code expression} every 250 ms until it gives something other than null or false
     * and returns that; fails naming {@code what} and the last value (or error) after {@code timeout}.
     * An expression that throws is tried again: the document may be between two states (navigating).
     */
    JsonNode await(String what, String expression, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Object value = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                JsonNode result = evaluate(expression);
                value = result;
                if (!result.isNull() && !(result.isBoolean() && !result.asBoolean())) {
                    return result;
                }
            } catch (IllegalStateException e) {
                value = e.getMessage();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("the page did not show " + what + " within " + timeout + " (last: " + value + ")");
    }

    /** The browser's processes once it had started (itself first): all of them end with {@link #close()}. */
    List<ProcessHandle> processes() {
        return Stream.concat(Stream.of(process.toHandle()), processes.stream()).toList();
    }

    Path profile() {
        return profile;
    }

    @Override
    public void close() {
        socket.abort();
        end(process, processes, profile, log);
    }

    private static void end(Process process, Path profile, Path log) {
        end(process, process == null ? List.of() : process.descendants().toList(), profile, log);
    }

    /**
     * Asks the browser to quit, forces it after 5 s, then ends any of its processes that outlived it
     * (by pid, only this browser's), and only then deletes the profile nothing writes to any more.
     */
    private static void end(Process process, List<ProcessHandle> known, Path profile, Path log) {
        if (process != null) {
            List<ProcessHandle> all = Stream.concat(known.stream(), process.descendants())
                    .distinct()
                    .toList();
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                for (ProcessHandle p : all) {
                    if (p.isAlive()) {
                        p.destroyForcibly();
                    }
                    p.onExit().get(5, TimeUnit.SECONDS);
                }
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            } catch (ExecutionException | TimeoutException e) {
                // reported by the caller's check that nothing of the browser is alive
            }
        }
        delete(profile);
        delete(log);
    }

    private static void delete(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }

    /** Chromium writes the port it bound (line 1) into its profile once DevTools listens. */
    private static int devToolsPort(Process process, Path profile, Path log, Duration timeout)
            throws IOException, InterruptedException {
        Path file = profile.resolve("DevToolsActivePort");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).strip());
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited with " + process.exitValue());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("chromium wrote no DevToolsActivePort within " + timeout);
    }

    /** The WebSocket of the page chromium opened on {@code url}, from its target list. */
    private static String pageSocket(int port, String url) {
        Instant deadline = Instant.now().plusSeconds(10);
        JsonNode targets = null;
        while (Instant.now().isBefore(deadline)) {
            targets = Api.get("http://127.0.0.1:" + port + "/json/list").body();
            for (JsonNode target : targets) {
                if ("page".equals(target.path("type").asText()) && target.hasNonNull("webSocketDebuggerUrl")) {
                    return target.get("webSocketDebuggerUrl").asText();
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("chromium has no page for " + url + ": " + targets);
    }

    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Collects a message's frames and hands each command's answer to whoever waits for its id. */
    private static final class Listener implements WebSocket.Listener {

        private final StringBuilder frames = new StringBuilder();
        volatile HeadlessChromium browser;

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            frames.append(data);
            if (last) {
                String message = frames.toString();
                frames.setLength(0);
                try {
                    JsonNode json = Api.JSON.readTree(message);
                    HeadlessChromium b = browser;
                    // Messages without an id are events, which nothing here subscribes to.
                    if (b != null && json.has("id")) {
                        CompletableFuture<JsonNode> waiting =
                                b.pending.get(json.get("id").asInt());
                        if (waiting != null) {
                            waiting.complete(json);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            socket.request(1);
            return null;
        }
    }
}
