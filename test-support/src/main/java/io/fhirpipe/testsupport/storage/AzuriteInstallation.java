package io.fhirpipe.testsupport.storage;

import io.fhirpipe.testsupport.RepositoryRoot;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds Azurite's {@code azurite-blob} launcher in {@code test-support/node_modules/.bin}, installing
 * the pinned npm packages with {@code npm ci} on first use (the package.json and package-lock.json
 * of test-support are committed; node_modules is not). The system property
 * {@value #BIN_PROPERTY} names another launcher instead.
 */
final class AzuriteInstallation {

    public static final String BIN_PROPERTY = "fhirpipe.azurite.bin";
    static final String MODULE = "test-support";
    private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(5);

    private AzuriteInstallation() {}

    /** The {@code azurite-blob} launcher to run, installed first if needed. */
    public static Path blobLauncher() {
        String override = System.getProperty(BIN_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path bin = Path.of(override);
            if (!Files.isExecutable(bin)) {
                throw new IllegalStateException(
                        "-D" + BIN_PROPERTY + " names " + bin + ", which is not an executable file");
            }
            return bin;
        }
        Path module = RepositoryRoot.find().resolve(MODULE);
        Path bin = launcherIn(module);
        if (!Files.isExecutable(bin)) {
            install(module);
        }
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("npm ci in " + module + " did not produce " + bin);
        }
        return bin;
    }

    static Path launcherIn(Path module) {
        return module.resolve("node_modules").resolve(".bin").resolve("azurite-blob");
    }

    /**
     * Runs {@code npm ci} once, also across JVMs: surefire forks and parallel module builds may
     * all find node_modules missing at the same moment, and two npm runs in one folder corrupt it.
     */
    private static void install(Path module) {
        requireOnPath("node");
        requireOnPath("npm");
        Path lockFile = Path.of(
                System.getProperty("java.io.tmpdir"),
                "fhirpipe-npm-ci-"
                        + Integer.toHexString(module.toAbsolutePath().toString().hashCode()) + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (Files.isExecutable(launcherIn(module))) {
                return;
            }
            runNpmCi(module);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot install Azurite with npm ci in " + module + ": " + e.getMessage(), e);
        }
    }

    private static void runNpmCi(Path module) throws IOException {
        Process npm = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund"))
                .directory(module.toFile())
                .redirectErrorStream(true)
                .start();
        ProcessOutput output = ProcessOutput.collect(npm, "npm-ci-output");
        try {
            if (!npm.waitFor(NPM_CI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci in " + module + " did not finish within " + NPM_CI_TIMEOUT
                        + "; output:\n" + output.text());
            }
        } catch (InterruptedException e) {
            npm.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while npm ci ran in " + module, e);
        }
        if (npm.exitValue() != 0) {
            throw new IllegalStateException("npm ci in " + module + " failed with exit code " + npm.exitValue()
                    + "; output:\n" + output.text());
        }
    }

    static void requireOnPath(String program) {
        if (findOnPath(program).isPresent()) {
            return;
        }
        throw new IllegalStateException("'" + program + "' is not on the PATH: Azurite runs on Node.js 20 or later with"
                + " npm. Install them (e.g. apt-get install nodejs npm), or point -D" + BIN_PROPERTY
                + " at an installed azurite-blob.");
    }

    /** The executable {@code program} in a folder of the PATH, if there is one. */
    static Optional<Path> findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                    return Optional.of(Path.of(dir, program));
                }
            }
        }
        return Optional.empty();
    }
}
