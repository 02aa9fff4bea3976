package io.fhirpipe.testsupport.fhir;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real HAPI FHIR JPA server of the {@code dev-fhir-server} module (Bulk Data {@code $export}
 * at system, Patient and Group level, H2 in memory) as a separate JVM on a free loopback port.
 *
 * <pre>{@code
 * try (DevFhirServerProcess fhir = DevFhirServerProcess.builder().seedPatients(20).start()) {
 *     ... point the client at fhir.baseUrl() ...
 * }
 * }</pre>
 *
 * <p>It is a process, not a library: HAPI brings Spring 6.2 and Hibernate 6.6, which must not meet
 * Quarkus on one classpath, so test-support has no Maven dependency on it. It is started from the
 * module's build output, {@code dev-fhir-server/target/classes} plus the jars listed in
 * {@code dev-fhir-server/target/classpath.txt}; both exist after {@code mvn -pl dev-fhir-server package}.
 * The module is found from the working directory upwards, or named by {@value #MODULE_DIR_PROPERTY}.
 *
 * <p>Start-up took 15-72 s here on two busy cores and the process holds about 1 GB, so share one instance
 * per test class. Its output (stdout and stderr) goes to a log file under {@code target/}.
 * {@link #close()} kills the process tree; a JVM shutdown hook does so for an instance left open.
 */
public final class DevFhirServerProcess implements AutoCloseable {

    public static final String MODULE = "dev-fhir-server";
    public static final String MODULE_DIR_PROPERTY = "fhirpipe.devfhirserver.dir";
    static final String MAIN_CLASS = "io.fhirpipe.devfhirserver.DevFhirServer";
    static final String READY_PREFIX = "DEV-FHIR-SERVER READY ";
    static final String SEEDED_PREFIX = "SEEDED ";
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final URI baseUrl;
    private final Map<String, Integer> seeded;
    private final Path logFile;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private boolean stopped;

    private DevFhirServerProcess(
            Process process, URI baseUrl, Map<String, Integer> seeded, Path logFile, Duration startupTime) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.seeded = seeded;
        this.logFile = logFile;
        this.startupTime = startupTime;
        this.shutdownHook = new Thread(() -> terminate(process), "dev-fhir-server-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts an empty server on a free port. */
    public static DevFhirServerProcess start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>/fhir}, without trailing slash. */
    public String baseUrl() {
        return baseUrl.toString();
    }

    /** Resources stored by {@code --seed}, per type (empty without seeding), as the server reported them. */
    public Map<String, Integer> seeded() {
        return seeded;
    }

    /** Where the process's stdout and stderr go. */
    public Path logFile() {
        return logFile;
    }

    /** From launching the JVM to the server answering {@code /metadata} with its data loaded. */
    public Duration startupTime() {
        return startupTime;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Resident memory of the server process in kB, from {@code /proc} (Linux only; empty elsewhere). */
    public Optional<Long> residentMemoryKb() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Kills the process and its children. Idempotent. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook terminates the process anyway.
        }
        terminate(process);
    }

    @Override
    public String toString() {
        return "DevFhirServerProcess[" + baseUrl + ", pid " + process.pid() + (process.isAlive() ? "" : ", stopped")
                + "]";
    }

    /**
     * The {@code dev-fhir-server} module folder holding {@code target/classpath.txt}: named by
     * {@value #MODULE_DIR_PROPERTY}, or found from the working directory upwards.
     */
    public static Path moduleDirectory() {
        String override = System.getProperty(MODULE_DIR_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path module = Path.of(override).toAbsolutePath().normalize();
            requireBuilt(module);
            return module;
        }
        return findModuleFrom(Path.of("").toAbsolutePath());
    }

    static Path findModuleFrom(Path start) {
        Path unbuilt = null;
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            // The module folder itself (working directory inside it) or a sibling named dev-fhir-server;
            // never just any folder with a target/classpath.txt, as other modules write one too.
            Path candidate =
                    dir.getFileName() != null && dir.getFileName().toString().equals(MODULE)
                            ? dir
                            : dir.resolve(MODULE);
            if (Files.isRegularFile(classpathFile(candidate))) {
                requireBuilt(candidate);
                return candidate;
            }
            if (unbuilt == null && Files.isRegularFile(candidate.resolve("pom.xml"))) {
                unbuilt = candidate;
            }
        }
        throw new IllegalStateException(
                unbuilt != null
                        ? MODULE + " at " + unbuilt + " is not built: run 'mvn -pl " + MODULE + " package' in "
                                + unbuilt.getParent() + " (it writes target/classpath.txt)"
                        : "no " + MODULE + "/target/classpath.txt at or above "
                                + start.toAbsolutePath().normalize()
                                + ": run 'mvn -pl " + MODULE + " package' in the fhirpipe repository, or set -D"
                                + MODULE_DIR_PROPERTY + "=<path to " + MODULE + ">");
    }

    private static void requireBuilt(Path module) {
        Path mainClass = module.resolve("target/classes/io/fhirpipe/devfhirserver/DevFhirServer.class");
        if (!Files.isRegularFile(classpathFile(module)) || !Files.isRegularFile(mainClass)) {
            throw new IllegalStateException(module + " is not built (needs target/classpath.txt and "
                    + "target/classes): run 'mvn -pl " + MODULE + " package' in " + module.getParent());
        }
    }

    private static Path classpathFile(Path module) {
        return module.resolve("target").resolve("classpath.txt");
    }

    private static void terminate(Process process) {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(process.toHandle());
        family.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : family) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    /** Options of a {@link DevFhirServerProcess}; {@link #start()} launches it. */
    public static final class Builder {

        private int port;
        private int seedPatients;
        private Long seedRandom;
        private Path h2File;
        private String maxHeap = "1g";
        // C1 only: Spring/Hibernate/HAPI start-up is all cold code, and C2 compiler threads compete
        // for the two cores. Measured here: ready in 15-41 s instead of 37-82 s (same load), with
        // an export of 2,664 resources still done in 5-9 s.
        private final List<String> jvmOptions = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1"));
        private Duration startTimeout = Duration.ofSeconds(90);
        private Path logFile;

        private Builder() {}

        /** A fixed loopback port; 0 (the default) lets the server pick a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            this.port = port;
            return this;
        }

        /** Loads this many synthetic patients (with encounters, observations, ... and two Groups) before ready. */
        public Builder seedPatients(int seedPatients) {
            if (seedPatients < 0) {
                throw new IllegalArgumentException("seedPatients must not be negative: " + seedPatients);
            }
            this.seedPatients = seedPatients;
            return this;
        }

        /** Seed of the synthetic data generator; the server's default otherwise. */
        public Builder seedRandom(long seedRandom) {
            this.seedRandom = seedRandom;
            return this;
        }

        /** Keep the database in this H2 file (without {@code .mv.db}) instead of in memory. */
        public Builder h2File(Path h2File) {
            this.h2File = Objects.requireNonNull(h2File, "h2File").toAbsolutePath();
            return this;
        }

        /** {@code -Xmx} of the server JVM, e.g. {@code 1g} (the default). */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = Objects.requireNonNull(maxHeap, "maxHeap");
            return this;
        }

        /** Adds an option for the server JVM (after {@code -Xmx} and the default {@code -XX:TieredStopAtLevel=1}). */
        public Builder jvmOption(String option) {
            jvmOptions.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /** Where to write the server's output; by default {@code target/dev-fhir-server-<time>.log}. */
        public Builder logFile(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile").toAbsolutePath();
            return this;
        }

        public DevFhirServerProcess start() {
            Path module = moduleDirectory();
            Path log = logFile != null ? logFile : defaultLogFile();
            List<String> command = command(module);
            long started = System.nanoTime();
            Process process;
            try {
                Files.createDirectories(log.getParent());
                process = new ProcessBuilder(command)
                        .directory(module.toFile())
                        .redirectErrorStream(true)
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + MAIN_CLASS + ": " + e.getMessage(), e);
            }
            OutputPump pump = OutputPump.start(process, log);
            try {
                URI baseUrl = pump.awaitReady(process, startTimeout, log);
                requireMetadata(baseUrl);
                Duration startup = Duration.ofNanos(System.nanoTime() - started);
                return new DevFhirServerProcess(process, baseUrl, pump.seeded(), log, startup);
            } catch (RuntimeException e) {
                terminate(process);
                throw e;
            }
        }

        List<String> command(Path module) {
            String classpath;
            try {
                classpath = module.resolve("target/classes")
                        + java.io.File.pathSeparator
                        + Files.readString(classpathFile(module)).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + classpathFile(module), e);
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + maxHeap);
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", classpath, MAIN_CLASS, "--port", Integer.toString(port)));
            if (seedPatients > 0) {
                command.addAll(List.of("--seed", Integer.toString(seedPatients)));
            }
            if (seedRandom != null) {
                command.addAll(List.of("--seed-random", Long.toString(seedRandom)));
            }
            if (h2File != null) {
                command.addAll(List.of("--h2-file", h2File.toString()));
            }
            return command;
        }

        private static Path defaultLogFile() {
            return Path.of("target")
                    .toAbsolutePath()
                    .resolve("dev-fhir-server-" + System.currentTimeMillis() + "-"
                            + ProcessHandle.current().pid() + ".log");
        }

        private static void requireMetadata(URI baseUrl) {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/metadata"))
                    .header("Accept", "application/fhir+json")
                    .timeout(Duration.ofSeconds(30))
                    .build();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status != 200) {
                    throw new IllegalStateException(baseUrl + "/metadata answered " + status + " after the ready line");
                }
            } catch (IOException e) {
                throw new IllegalStateException(
                        baseUrl + "/metadata failed after the ready line: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking " + baseUrl + "/metadata", e);
            }
        }
    }

    /**
     * Copies the server's output to the log file line by line and picks out the two lines it prints
     * on stdout: {@code SEEDED <Type>=<n> ...} and {@code DEV-FHIR-SERVER READY <base url>}.
     */
    private static final class OutputPump {

        private final CompletableFuture<URI> ready = new CompletableFuture<>();
        private final Deque<String> tail = new ArrayDeque<>();
        private volatile Map<String, Integer> seeded = Map.of();

        static OutputPump start(Process process, Path log) {
            OutputPump pump = new OutputPump();
            Thread thread = new Thread(() -> pump.run(process, log), "dev-fhir-server-output-" + process.pid());
            thread.setDaemon(true);
            thread.start();
            return pump;
        }

        private void run(Process process, Path log) {
            try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    remember(line);
                    if (line.startsWith(SEEDED_PREFIX)) {
                        seeded = parseSeeded(line.substring(SEEDED_PREFIX.length()));
                    } else if (line.startsWith(READY_PREFIX)) {
                        ready.complete(
                                URI.create(line.substring(READY_PREFIX.length()).trim()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                ready.completeExceptionally(e);
            } finally {
                ready.completeExceptionally(new IllegalStateException("output ended without " + READY_PREFIX.trim()));
            }
        }

        URI awaitReady(Process process, Duration timeout, Path log) {
            try {
                return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        MAIN_CLASS + " not ready within " + timeout + " (log " + log + "):\n" + tail());
            } catch (ExecutionException e) {
                String exit = process.isAlive() ? "" : " (exit code " + waitForExit(process) + ")";
                throw new IllegalStateException(
                        MAIN_CLASS + " stopped before it was ready" + exit + " (log " + log + "):\n" + tail(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + MAIN_CLASS, e);
            }
        }

        Map<String, Integer> seeded() {
            return seeded;
        }

        private synchronized void remember(String line) {
            tail.addLast(line);
            if (tail.size() > LOG_TAIL_LINES) {
                tail.removeFirst();
            }
        }

        private synchronized String tail() {
            return String.join("\n", tail);
        }

        private static int waitForExit(Process process) {
            try {
                return process.waitFor(2, TimeUnit.SECONDS) ? process.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    /** {@code Condition=25 Encounter=40 ... total=300} without the total. */
    static Map<String, Integer> parseSeeded(String counts) {
        Map<String, Integer> byType = new LinkedHashMap<>();
        for (String pair : counts.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && !pair.startsWith("total=")) {
                byType.put(pair.substring(0, eq), Integer.parseInt(pair.substring(eq + 1)));
            }
        }
        return Collections.unmodifiableMap(byType);
    }
}
