package io.fhirpipe.testsupport.stack;

import io.fhirpipe.testsupport.broker.BrokerCredentials;
import io.fhirpipe.testsupport.fhir.DevFhirServerProcess;
import io.fhirpipe.testsupport.storage.Azurite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The whole pipeline on one machine, every part its own process as a user would run it: the
 * project's Artemis launcher (topology from shared-model), Azurite, the seeded {@code dev-fhir-server}
 * (unless an external FHIR server is given) and the four services from their packaged
 * {@code quarkus-run.jar}s with the {@code local} profile. Every health check is waited for, all
 * logs go to one folder, and {@link #close()} stops everything that was started, in reverse order:
 * the services first, Azurite (waiting for it to save) and the broker last.
 *
 * <p>The ports are kept across restarts on one work folder ({@link StackPorts}, in
 * {@code <work>/ports.properties}): messages in flight carry URLs with them, so a restart resumes
 * unfinished work instead of dead-lettering it. Explicit {@code amqpPort}/{@code basePort} win (and
 * are recorded); a recorded port held by another process fails the start with a message naming it.
 */
public final class LocalStack implements AutoCloseable {

    public static final List<String> SERVICES =
            List.of("export-trigger", "export-poller", "ndjson-splitter", "synapse-loader");
    /**
     * Each service's heap, sized with {@link #CONTAINER_JVM} so that a service stays under 300 MB of
     * resident memory (README, Performance: the heap is about half of it; metaspace, code cache,
     * threads, the JDK's own libraries and, in the loader, DuckDB make the rest). The poller holds
     * its transfers' upload blocks (4 x 3 x 4 MiB) and the splitter its splits' read-ahead and
     * blocks; the loader's heap only screens lines, its warehouse is DuckDB's memory_limit.
     */
    public static final Map<String, String> CONTAINER_HEAP = Map.of(
            "export-trigger", "96m", "export-poller", "128m", "ndjson-splitter", "128m", "synapse-loader", "96m");
    /**
     * The services' JVM sized as in a small container: a serial collector (one or two cores, no
     * concurrent GC threads or remembered sets), capped metaspace, code cache, direct buffers and
     * thread stacks, and glibc's freed memory given back every 5 s: without that the C2 compiler's
     * and Netty's transient allocations stayed resident (50-65 MB above what NMT accounted for).
     */
    public static final List<String> CONTAINER_JVM = List.of(
            "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=128m",
            "-XX:ReservedCodeCacheSize=48m",
            "-XX:MaxDirectMemorySize=64m",
            "-Xss512k",
            "-XX:CICompilerCount=2",
            "-XX:TrimNativeHeapInterval=5000",
            "-XX:+ExitOnOutOfMemoryError");
    /** Two glibc malloc arenas instead of eight per core: fewer half-used arenas kept resident. */
    public static final Map<String, String> CONTAINER_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    private static final Pattern BROKER_READY = Pattern.compile("AMQP on amqp://[^:]+:(\\d+)");

    private final Path root;
    private final Path workDirectory;
    private final Path logs;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, Integer> servicePorts = new LinkedHashMap<>();
    private Map<String, Integer> ports = Map.of();
    private LeftoverProcesses processes;
    private Azurite azurite;
    private DevFhirServerProcess devFhirServer;
    private String fhirBaseUrl;
    private int amqpPort;
    private BrokerCredentials brokerCredentials;
    private Path duckDbPath;
    private Builder settings;
    private int blobPort;

    private LocalStack(Path root, Path workDirectory) {
        this.root = root;
        this.workDirectory = workDirectory;
        this.logs = workDirectory.resolve("logs");
    }

    public static Builder builder() {
        return new Builder();
    }

    public String fhirBaseUrl() {
        return fhirBaseUrl;
    }

    public Optional<DevFhirServerProcess> devFhirServer() {
        return Optional.ofNullable(devFhirServer);
    }

    public String serviceUrl(String service) {
        Integer port = servicePorts.get(service);
        if (port == null) {
            throw new IllegalArgumentException("no service " + service + " in this stack");
        }
        return "http://127.0.0.1:" + port;
    }

    public String triggerUrl() {
        return serviceUrl("export-trigger");
    }

    public Azurite azurite() {
        return azurite;
    }

    public int amqpPort() {
        return amqpPort;
    }

    /**
     * The broker's only user (anonymous connections are refused), kept in
     * {@code <work>/broker-credentials.properties} so a restart on the same folder uses the same one.
     */
    public BrokerCredentials brokerCredentials() {
        return brokerCredentials;
    }

    public Path duckDbPath() {
        return duckDbPath;
    }

    public Path logs() {
        return logs;
    }

    /** The ports of this start by component ({@link StackPorts} names), as recorded in the work folder. */
    public Map<String, Integer> ports() {
        return ports;
    }

    /** Where the ports are recorded: {@code <work>/ports.properties}. */
    public Path portsFile() {
        return workDirectory.resolve(StackPorts.FILE_NAME);
    }

    /**
     * Every process this stack started, by name ({@code artemis}, {@code azurite}, {@code dev-fhir-server},
     * the services), for measuring them from outside (e.g. their RSS in {@code /proc/<pid>/status}).
     */
    public Map<String, Long> processIds() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (AutoCloseable c : started) {
            if (c instanceof ManagedProcess p) {
                pids.put(p.name(), p.pid());
            } else if (c instanceof Azurite a) {
                pids.put("azurite", a.pid());
            } else if (c instanceof DevFhirServerProcess d) {
                pids.put("dev-fhir-server", d.pid());
            }
        }
        return pids;
    }

    /** Stops the loader only, e.g. so another process may open its DuckDB file (one writer at a time). */
    public void stopService(String service) {
        for (AutoCloseable c : started) {
            if (c instanceof ManagedProcess p && p.name().equals(service)) {
                p.close();
            }
        }
    }

    /**
     * SIGKILL of one component ({@code artemis}, {@code azurite} or a service), as a crash or an OOM
     * kill would end it: no shutdown hook runs, nothing is flushed. {@link #restart} starts it again.
     */
    public void kill(String component) {
        ProcessHandle handle = ProcessHandle.of(pidOf(component)).orElse(null);
        if (handle == null) {
            return;
        }
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        try {
            handle.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(component + " did not end after SIGKILL", e);
        }
    }

    /**
     * Starts one component again on its port and work files, waiting until it is ready: after
     * {@link #kill}, or as a clean restart (a component still running is stopped first).
     */
    public void restart(String component) {
        int index = indexOf(component);
        try {
            started.get(index).close();
        } catch (Exception e) {
            System.err.println("stopping " + component + " failed: " + e);
        }
        if (started.get(index) instanceof ManagedProcess p && Files.isRegularFile(p.log())) {
            // the log of the run before the restart is where a crash's cause is: kept, not overwritten
            try {
                Files.move(p.log(), p.log().resolveSibling(component + "." + System.currentTimeMillis() + ".log"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        AutoCloseable replacement;
        if (component.equals("artemis")) {
            replacement = broker(settings, amqpPort);
        } else if (component.equals("azurite")) {
            replacement = startAzurite();
        } else if (SERVICES.contains(component)) {
            ManagedProcess service = service(component, servicePorts.get(component), settings);
            replacement = service;
            started.set(index, replacement);
            service.awaitHttpOk(serviceUrl(component) + "/q/health/ready", settings.startTimeout);
            return;
        } else {
            throw new IllegalArgumentException("cannot restart " + component);
        }
        started.set(index, replacement);
    }

    private long pidOf(String component) {
        Long pid = processIds().get(component);
        if (pid == null) {
            throw new IllegalArgumentException(
                    "no " + component + " in this stack; one of " + processIds().keySet());
        }
        return pid;
    }

    private int indexOf(String component) {
        pidOf(component);
        for (int i = 0; i < started.size(); i++) {
            AutoCloseable c = started.get(i);
            if ((c instanceof ManagedProcess p && p.name().equals(component))
                    || (c instanceof Azurite && component.equals("azurite"))) {
                return i;
            }
        }
        throw new IllegalArgumentException("no " + component + " in this stack");
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping " + started.get(i) + " failed: " + e);
            }
        }
        started.clear();
        if (processes != null) {
            processes.forget();
        }
    }

    private void start(Builder b) {
        settings = b;
        try {
            Files.createDirectories(logs);
            processes = LeftoverProcesses.in(workDirectory);
            for (String leftover : processes.stopAll()) {
                System.err.println("stopped " + leftover + ", left running by an earlier stack on " + workDirectory);
            }
            // All ports first, checked and recorded before anything starts.
            StackPorts stackPorts = StackPorts.in(workDirectory);
            int amqp = stackPorts.port(StackPorts.AMQP, b.amqpPort);
            blobPort = stackPorts.port(StackPorts.AZURITE_BLOB, 0);
            int fhirPort = b.fhirBaseUrl == null ? stackPorts.port(StackPorts.DEV_FHIR_SERVER, 0) : 0;
            Map<String, Integer> serviceHttpPorts = new LinkedHashMap<>();
            for (int i = 0; i < SERVICES.size(); i++) {
                String service = SERVICES.get(i);
                serviceHttpPorts.put(service, stackPorts.port(service, b.basePort == 0 ? 0 : b.basePort + i));
            }
            stackPorts.claim();
            ports = Map.copyOf(stackPorts.assigned());
            brokerCredentials = BrokerCredentials.inFolder(workDirectory);
            startBroker(b, amqp);
            started.add(startAzurite());
            if (b.fhirBaseUrl != null) {
                fhirBaseUrl = b.fhirBaseUrl;
            } else {
                // On file in the work folder: a second run finds the same resources (same versions and
                // lastUpdated), so an incremental export sees only what changed in between.
                devFhirServer = DevFhirServerProcess.builder()
                        .port(fhirPort)
                        .seedPatients(b.seedPatients)
                        .seedRandom(b.seedRandom)
                        .h2File(workDirectory.resolve("fhir").resolve("fhir"))
                        .logFile(logs.resolve("dev-fhir-server.log"))
                        .startTimeout(b.startTimeout)
                        .start();
                started.add(devFhirServer);
                processes.record("dev-fhir-server", devFhirServer.pid());
                fhirBaseUrl = devFhirServer.baseUrl();
            }
            duckDbPath = workDirectory.resolve("warehouse").resolve("fhirpipe.duckdb");
            Files.createDirectories(duckDbPath.getParent());
            List<ManagedProcess> services = new ArrayList<>();
            for (String service : SERVICES) {
                services.add(startService(service, serviceHttpPorts.get(service), b));
            }
            for (ManagedProcess service : services) {
                service.awaitHttpOk(serviceUrl(service.name()) + "/q/health/ready", b.startTimeout);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Azurite startAzurite() {
        azurite = Azurite.builder()
                .dataDirectory(workDirectory.resolve("azurite"))
                .blobPort(blobPort)
                .start();
        processes.record("azurite", azurite.pid());
        return azurite;
    }

    private void startBroker(Builder b, int port) {
        started.add(broker(b, port));
    }

    private ManagedProcess broker(Builder b, int port) {
        Map<String, String> env = new LinkedHashMap<>(brokerCredentials.environment());
        env.putAll(b.brokerEnvironment);
        ManagedProcess broker = ManagedProcess.start(
                "artemis",
                List.of(
                        ManagedProcess.java(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.fhirpipe.testsupport.broker.LocalBroker",
                        "--port",
                        Integer.toString(port),
                        "--data",
                        workDirectory.resolve("artemis").toString()),
                env,
                logs.resolve("artemis.log"));
        processes.record("artemis", broker.pid());
        amqpPort =
                Integer.parseInt(broker.awaitLine(BROKER_READY, b.startTimeout).group(1));
        return broker;
    }

    private ManagedProcess startService(String service, int port, Builder b) {
        ManagedProcess process = service(service, port, b);
        started.add(process);
        return process;
    }

    private ManagedProcess service(String service, int port, Builder b) {
        Path jar = root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the services first (mvn install -DskipTests)");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FHIRPIPE_AMQP_HOST", "127.0.0.1");
        env.put("FHIRPIPE_AMQP_PORT", Integer.toString(amqpPort));
        // read by application-local.properties as amqp-username / amqp-password; never on the command line
        env.putAll(brokerCredentials.environment());
        env.put("FHIRPIPE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("FHIRPIPE_FHIR_BASE_URL", fhirBaseUrl);
        env.put("FHIRPIPE_DUCKDB_PATH", duckDbPath.toString());
        env.putAll(CONTAINER_ENVIRONMENT);
        String heap = b.serviceHeap != null ? b.serviceHeap : CONTAINER_HEAP.get(service);
        List<String> command = new ArrayList<>(List.of(
                ManagedProcess.java(),
                "-Xmx" + heap,
                "-Dquarkus.profile=local",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1"));
        command.addAll(b.serviceJvmOptions);
        b.serviceConfig.getOrDefault(service, Map.of()).forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        servicePorts.put(service, port);
        ManagedProcess process = ManagedProcess.start(service, command, env, logs.resolve(service + ".log"));
        processes.record(service, process.pid());
        return process;
    }

    /** The project root: the nearest folder up from the working directory that holds the services. */
    public static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("export-trigger")) && Files.isDirectory(p.resolve("synapse-loader"))) {
                return p;
            }
        }
        throw new IllegalStateException("no fhirpipe project root above " + dir);
    }

    public static final class Builder {
        private Path root;
        private Path workDirectory;
        private String fhirBaseUrl;
        private int seedPatients = 20;
        private long seedRandom = 20261126L;
        private int amqpPort;
        private int basePort;
        private String serviceHeap;
        private List<String> serviceJvmOptions = CONTAINER_JVM;
        private Duration startTimeout = Duration.ofSeconds(180);
        private final Map<String, Map<String, String>> serviceConfig = new LinkedHashMap<>();
        private final Map<String, String> brokerEnvironment = new LinkedHashMap<>();

        public Builder root(Path root) {
            this.root = root;
            return this;
        }

        /** Where logs, broker journal, Azurite data and the DuckDB file go; default {@code <root>/.fhirpipe}. */
        public Builder workDirectory(Path workDirectory) {
            this.workDirectory = workDirectory;
            return this;
        }

        /** Use this FHIR server instead of starting the seeded dev-fhir-server. */
        public Builder fhirBaseUrl(String fhirBaseUrl) {
            this.fhirBaseUrl = fhirBaseUrl;
            return this;
        }

        public Builder seedPatients(int seedPatients) {
            this.seedPatients = seedPatients;
            return this;
        }

        public Builder seedRandom(long seedRandom) {
            this.seedRandom = seedRandom;
            return this;
        }

        /** 0 (the default): the port recorded in the work folder, or a new free one on the first start. */
        public Builder amqpPort(int amqpPort) {
            this.amqpPort = amqpPort;
            return this;
        }

        /**
         * The services get basePort, +1, +2, +3 in {@link #SERVICES} order; 0 (the default): the ports
         * recorded in the work folder, or new free ones on the first start.
         */
        public Builder basePort(int basePort) {
            this.basePort = basePort;
            return this;
        }

        /** One heap for every service instead of {@link #CONTAINER_HEAP}. */
        public Builder serviceHeap(String serviceHeap) {
            this.serviceHeap = serviceHeap;
            return this;
        }

        /** The four services' JVM options instead of {@link #CONTAINER_JVM} (./fhirpipe load --jvm-opts). */
        public Builder serviceJvmOptions(List<String> serviceJvmOptions) {
            this.serviceJvmOptions = List.copyOf(serviceJvmOptions);
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** A configuration property for one service, passed as a system property (overrides the profile). */
        public Builder config(String service, String key, String value) {
            if (!SERVICES.contains(service)) {
                throw new IllegalArgumentException("unknown service " + service + "; one of " + SERVICES);
            }
            serviceConfig.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** An environment variable of the broker process, e.g. a delivery mode of the local broker. */
        public Builder brokerEnvironment(String name, String value) {
            brokerEnvironment.put(name, value);
            return this;
        }

        public LocalStack start() {
            Path r = root == null ? findRoot() : root;
            LocalStack stack = new LocalStack(r, workDirectory == null ? r.resolve(".fhirpipe") : workDirectory);
            stack.start(this);
            return stack;
        }
    }
}
