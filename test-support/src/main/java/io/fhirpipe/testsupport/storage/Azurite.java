package io.fhirpipe.testsupport.storage;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;

import java.io.IOException;
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
 * data directory is given. {@link #stop()} (or {@link #close()}) kills the process and removes
 * its scratch folder; a JVM shutdown hook does the same for an instance a test forgot.
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
    private static final int PORT_ATTEMPTS = 3;

    private final Process process;
    private final int blobPort;
    private final Path scratchDirectory;
    private final Thread shutdownHook;
    private boolean stopped;

    private Azurite(Process process, int blobPort, Path scratchDirectory) {
        this.process = process;
        this.blobPort = blobPort;
        this.scratchDirectory = scratchDirectory;
        this.shutdownHook = new Thread(this::kill, "azurite-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
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
        return new BlobServiceClientBuilder().connectionString(connectionString()).buildClient();
    }

    /** The folder deleted on stop (Azurite's working directory in memory mode), or null with a data directory. */
    Path scratchDirectory() {
        return scratchDirectory;
    }

    /** Whether the process is still running. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** Kills the process and its children, then deletes the scratch folder. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
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

        private Builder() {
        }

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
                        throw new IllegalStateException("Azurite could not bind 127.0.0.1:" + port + "; output:\n"
                                + e.getMessage());
                    }
                }
            }
        }

        private Azurite launch(Path launcher, int port) {
            Path scratch = dataDirectory == null ? createScratchDirectory() : null;
            List<String> command = new ArrayList<>(List.of(launcher.toString(),
                    "--blobHost", HOST,
                    "--blobPort", Integer.toString(port),
                    "--skipApiVersionCheck",
                    "--disableTelemetry",
                    "--loose",
                    "--silent"));
            Path workingDirectory;
            if (dataDirectory != null) {
                createDirectories(dataDirectory);
                command.addAll(List.of("--location", dataDirectory.toAbsolutePath().toString()));
                workingDirectory = dataDirectory;
            } else {
                // Azurite 3.35 refuses --location together with --inMemoryPersistence; the scratch
                // folder is its working directory instead, catching anything it might still write.
                command.add("--inMemoryPersistence");
                workingDirectory = scratch;
            }
            Process process;
            try {
                process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
                        .start();
            } catch (IOException e) {
                deleteQuietly(scratch);
                throw new IllegalStateException("cannot run " + launcher + ": " + e.getMessage(), e);
            }
            ProcessOutput output = ProcessOutput.collect(process, "azurite-output-" + port);
            try {
                awaitPort(process, port, output);
            } catch (RuntimeException e) {
                terminate(process);
                deleteQuietly(scratch);
                throw e;
            }
            return new Azurite(process, port, scratch);
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
