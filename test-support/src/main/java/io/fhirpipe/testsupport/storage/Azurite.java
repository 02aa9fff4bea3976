package io.fhirpipe.testsupport.storage;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Azurite's blob service as a child process on {@code 127.0.0.1} and a free port, from the npm
 * package pinned in test-support (see {@link AzuriteInstallation}). Data lives in memory unless a
 * data directory is given.
 *
 * <p>In memory, {@link #stop()} (or {@link #close()}) kills the process and removes its scratch
 * folder; a JVM shutdown hook does the same for an instance a test forgot.
 *
 * <p>With a data directory (the local stack), what was written must survive the stop. Azurite keeps
 * blob metadata in LokiJS, saved every 5 s and once more when it shuts down on SIGTERM/SIGINT;
 * {@link #stop()} therefore sends the node process SIGTERM and waits (up to
 * {@link Builder#stopTimeout(Duration) stopTimeout}, 60 s by default) until Azurite reports
 * {@value #CLOSED_LINE} and exits; only then, or after the timeout, is it killed. Measured: the
 * save takes 5-20 ms with a few blobs and about 140 ms with 6,000, and the exit follows within
 * 100-300 ms. What used to lose that save was not its length but a second signal: Azurite handles
 * only its first SIGTERM and first SIGINT, and the stack's process group got one (Ctrl-C, killpg)
 * milliseconds before the stack's own stop sent another, which killed node mid-save (exit 143) or
 * ran a second close that crashed it (exit 1). So such an Azurite also
 * <ul>
 *   <li>loads {@code azurite-guard.js} (with {@code NODE_OPTIONS=--require}), which ignores every
 *   signal after the first while the save runs, keeps an EPIPE on its output from crashing the
 *   shutdown, and shuts Azurite down cleanly when its stdin ends, i.e. when this JVM is gone, even
 *   killed with SIGKILL: no orphan keeps the port and the folder;</li>
 *   <li>runs in a session of its own ({@code setsid}, where available), so that a signal to the
 *   caller's process group does not stop it while the services that write to it are still
 *   stopping: its owner stops it last;</li>
 *   <li>has no JVM shutdown hook: the stdin watch above stops it when the JVM exits, after the
 *   owner's own shutdown (e.g. the local stack's, which stops the services first).</li>
 * </ul>
 * A crash of Azurite itself (SIGKILL, OOM) still loses the metadata of up to the last 5 s (the
 * autosave interval); the blob contents are written to files at once.
 *
 * <p>The account is Azurite's well-known development account {@value #ACCOUNT_NAME}. Its key is
 * public but still a key: it appears only in {@link #connectionString()}, never in
 * {@link #toString()}, logs or exception messages.
 */
public final class Azurite implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final String ACCOUNT_NAME = "devstoreaccount1";
    // Azurite's documented default account key; the emulator accepts nothing else for this account.
    private static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    /** What Azurite prints once it has closed its stores, the metadata saved. */
    static final String CLOSED_LINE = "Azurite Blob service successfully closed";

    private static final int PORT_ATTEMPTS = 3;
    // After CLOSED_LINE the save is done; a node process that does not exit by then is killed.
    private static final Duration EXIT_AFTER_CLOSED = Duration.ofSeconds(5);

    private final Process process;
    private final int blobPort;
    private final Path scratchDirectory;
    private final Path dataDirectory;
    private final ProcessOutput output;
    private final Duration stopTimeout;
    private final Thread shutdownHook;
    private boolean stopped;

    private Azurite(
            Process process,
            int blobPort,
            Path scratchDirectory,
            Path dataDirectory,
            ProcessOutput output,
            Duration stopTimeout) {
        this.process = process;
        this.blobPort = blobPort;
        this.scratchDirectory = scratchDirectory;
        this.dataDirectory = dataDirectory;
        this.output = output;
        this.stopTimeout = stopTimeout;
        if (dataDirectory == null) {
            this.shutdownHook = new Thread(this::kill, "azurite-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            this.shutdownHook = null;
        }
    }

    /** Starts Azurite's blob service in memory on a free port. */
    public static Azurite start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return HOST;
    }

    public int blobPort() {
        return blobPort;
    }

    /** {@code http://127.0.0.1:<port>/devstoreaccount1}: Azurite puts the account in the path. */
    public String blobEndpoint() {
        return "http://" + HOST + ":" + blobPort + "/" + ACCOUNT_NAME;
    }

    public String accountName() {
        return ACCOUNT_NAME;
    }

    /** A storage connection string for this instance. It contains the account key: do not log it. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT_NAME + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=" + blobEndpoint() + ";";
    }

    /** A new Blob service client for this instance. */
    public BlobServiceClient blobServiceClient() {
        return new BlobServiceClientBuilder()
                .connectionString(connectionString())
                .buildClient();
    }

    /** The folder deleted on stop (Azurite's working directory in memory mode), or null with a data directory. */
    Path scratchDirectory() {
        return scratchDirectory;
    }

    /** The process id of Azurite's node process. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is still running. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Stops Azurite. Idempotent. In memory: kills the process and its children and deletes the
     * scratch folder. With a data directory: SIGTERM, then waits until Azurite has saved and exited
     * (see the class comment).
     *
     * @throws IllegalStateException with a data directory, if Azurite did not report a completed
     *     save (it was killed after the stop timeout, or died during its shutdown): metadata written
     *     in its last 5 s may be lost
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (dataDirectory != null) {
            stopAndSave();
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs kill() anyway.
        }
        kill();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "Azurite[" + blobEndpoint() + (process.isAlive() ? "" : ", stopped") + "]";
    }

    private void kill() {
        terminate(process);
        deleteQuietly(scratchDirectory);
    }

    private void stopAndSave() {
        if (!process.isAlive()) {
            return; // it died before: nothing to wait for (a crash loses up to the last 5 s of metadata)
        }
        List<ProcessHandle> children = process.descendants().toList();
        long start = System.nanoTime();
        // SIGTERM to node itself, first and alone. Not Process.destroy(): that also closes this JVM's
        // end of Azurite's stdin and output.
        process.toHandle().destroy();
        long deadline = start + stopTimeout.toNanos();
        long closedAt = 0;
        boolean interrupted = false;
        while (process.isAlive()) {
            long now = System.nanoTime();
            if (closedAt == 0 && output.seen(CLOSED_LINE)) {
                closedAt = now;
            }
            if (now > deadline || (closedAt != 0 && now - closedAt > EXIT_AFTER_CLOSED.toNanos())) {
                break;
            }
            try {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true; // the save must still finish: wait on, then restore the flag
            }
        }
        boolean timedOut = process.isAlive();
        if (timedOut) {
            process.toHandle().destroyForcibly();
            try {
                process.toHandle().onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (Exception e) {
                // reported below
            }
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        output.awaitEnd(2000);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!output.seen(CLOSED_LINE)) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            String why = timedOut
                    ? "did not save and exit within " + stopTimeout + " and was killed"
                    : "exited with code " + process.exitValue() + " after " + millis + " ms without saving";
            throw new IllegalStateException("Azurite (data in " + dataDirectory + ") " + why
                    + ": blob metadata written in its last 5 s may be lost; output:\n" + output.text());
        }
    }

    private static void terminate(Process process) {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(process.toHandle());
        family.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : family) {
            try {
                handle.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    private static void deleteQuietly(Path directory) {
        if (directory != null) {
            deleteRecursively(directory);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete Azurite's scratch folder " + directory, e);
        }
    }

    /** Options of an {@link Azurite}; {@link #start()} launches it. */
    public static final class Builder {

        private Path dataDirectory;
        private int blobPort;
        private Duration startTimeout = Duration.ofSeconds(30);
        private Duration stopTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /**
         * Keep blobs on disk in this folder (created if missing, kept on stop) instead of in memory,
         * for the local stack.
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** A fixed blob port; 0 (the default) picks a free one. */
        public Builder blobPort(int blobPort) {
            if (blobPort < 0 || blobPort > 65535) {
                throw new IllegalArgumentException("not a port: " + blobPort);
            }
            this.blobPort = blobPort;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /**
         * With a data directory: how long {@link Azurite#stop()} waits for Azurite to save and exit
         * before it kills it (60 s by default; a save takes milliseconds, but on a machine busy
         * stopping a whole stack more).
         */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = Objects.requireNonNull(stopTimeout, "stopTimeout");
            return this;
        }

        public Azurite start() {
            Path launcher = AzuriteInstallation.blobLauncher();
            if (System.getProperty(AzuriteInstallation.BIN_PROPERTY) == null) {
                // npm's launcher is a script run by 'node' from the PATH.
                AzuriteInstallation.requireOnPath("node");
            }
            // A free port found here may be taken before Azurite binds it; try another then.
            for (int attempt = 1; ; attempt++) {
                int port = blobPort != 0 ? blobPort : freePort();
                try {
                    return launch(launcher, port);
                } catch (PortTakenException e) {
                    if (blobPort != 0 || attempt >= PORT_ATTEMPTS) {
                        throw new IllegalStateException(
                                "Azurite could not bind 127.0.0.1:" + port + "; output:\n" + e.getMessage());
                    }
                }
            }
        }

        private Azurite launch(Path launcher, int port) {
            Path scratch = dataDirectory == null ? createScratchDirectory() : null;
            List<String> command = new ArrayList<>();
            if (dataDirectory != null) {
                // A session of its own: the caller's process group may be signalled (Ctrl-C, killpg)
                // while what writes to Azurite is still stopping; its owner stops it, last.
                AzuriteInstallation.findOnPath("setsid").ifPresent(setsid -> command.add(setsid.toString()));
            }
            command.addAll(List.of(
                    launcher.toString(),
                    "--blobHost",
                    HOST,
                    "--blobPort",
                    Integer.toString(port),
                    "--skipApiVersionCheck",
                    "--disableTelemetry",
                    "--loose",
                    "--silent"));
            Path workingDirectory;
            Path guard = null;
            if (dataDirectory != null) {
                createDirectories(dataDirectory);
                guard = writeGuard();
                command.addAll(
                        List.of("--location", dataDirectory.toAbsolutePath().toString()));
                workingDirectory = dataDirectory;
            } else {
                // Azurite 3.35 refuses --location together with --inMemoryPersistence; the scratch
                // folder is its working directory instead, catching anything it might still write.
                command.add("--inMemoryPersistence");
                workingDirectory = scratch;
            }
            Process process;
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(workingDirectory.toFile())
                        .redirectErrorStream(true);
                if (guard != null) {
                    String options = builder.environment().getOrDefault("NODE_OPTIONS", "");
                    builder.environment().put("NODE_OPTIONS", (options + " --require " + quote(guard)).trim());
                }
                // stdin stays a pipe from this JVM, never written: the guard takes its end for this JVM's.
                process = builder.start();
            } catch (IOException e) {
                deleteQuietly(scratch);
                throw new IllegalStateException("cannot run " + launcher + ": " + e.getMessage(), e);
            }
            ProcessOutput output = ProcessOutput.collect(process, "azurite-output-" + port);
            output.watch(CLOSED_LINE);
            try {
                awaitPort(process, port, output);
            } catch (RuntimeException e) {
                terminate(process);
                deleteQuietly(scratch);
                throw e;
            }
            return new Azurite(
                    process,
                    port,
                    scratch,
                    dataDirectory == null ? null : dataDirectory.toAbsolutePath(),
                    output,
                    stopTimeout);
        }

        /**
         * The guard goes to the temp folder, not the data folder: node 20 here, with stdin a pipe, fails to
         * load Azurite's main module (MODULE_NOT_FOUND '../common/Logger', the .bin symlink not resolved)
         * when the preloaded file lies under /work, while the same file under /tmp works; the local
         * stack's data folder is under the checkout. One file per content, shared and never deleted.
         */
        private static Path writeGuard() {
            byte[] content;
            try (InputStream in = Azurite.class.getResourceAsStream("azurite-guard.js")) {
                if (in == null) {
                    throw new IllegalStateException(
                            "azurite-guard.js is missing from the classpath next to " + Azurite.class.getName());
                }
                content = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read azurite-guard.js", e);
            }
            Path guard = Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "fhirpipe-azurite-guard-" + Integer.toHexString(java.util.Arrays.hashCode(content)) + ".js");
            try {
                if (!Files.exists(guard)) {
                    Path partial = Files.createTempFile(guard.getParent(), "fhirpipe-azurite-guard-", ".partial");
                    Files.write(partial, content);
                    Files.move(
                            partial,
                            guard,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
                return guard;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + guard, e);
            }
        }

        /** A path as one NODE_OPTIONS argument (double quotes, as node's own parser reads them). */
        private static String quote(Path path) {
            return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }

        private void awaitPort(Process process, int port, ProcessOutput output) {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (true) {
                if (!process.isAlive()) {
                    output.awaitEnd(2000);
                    String text = output.text();
                    if (text.contains("EADDRINUSE")) {
                        throw new PortTakenException(text);
                    }
                    throw new IllegalStateException("Azurite exited with code " + process.exitValue()
                            + " before listening on " + HOST + ":" + port + "; output:\n" + text);
                }
                if (answers(port)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Azurite did not listen on " + HOST + ":" + port + " within "
                            + startTimeout + "; output:\n" + output.text());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Azurite", e);
                }
            }
        }

        private static boolean answers(int port) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on " + HOST, e);
            }
        }

        private static Path createScratchDirectory() {
            try {
                return Files.createTempDirectory("fhirpipe-azurite-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a scratch folder for Azurite", e);
            }
        }

        private static void createDirectories(Path directory) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + directory, e);
            }
        }
    }

    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String output) {
            super(output, null, false, false);
        }
    }
}
