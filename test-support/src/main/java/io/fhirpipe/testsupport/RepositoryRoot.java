package io.fhirpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the fhirpipe repository root: the nearest folder, from the working directory upwards,
 * whose {@code pom.xml} lists the {@code test-support} module. Tests run with the working
 * directory of whichever module Maven is building, so paths are resolved from there rather
 * than hard-coded.
 */
public final class RepositoryRoot {

    static final String MODULE_MARKER = "<module>test-support</module>";

    private RepositoryRoot() {}

    /** The repository root above the working directory. */
    public static Path find() {
        return findFrom(Path.of("").toAbsolutePath());
    }

    /** The repository root at or above {@code start}; fails with the start folder named if there is none. */
    public static Path findFrom(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("no fhirpipe repository root (a pom.xml listing " + MODULE_MARKER
                + ") at or above " + start.toAbsolutePath().normalize());
    }

    private static boolean isRoot(Path dir) {
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            return false;
        }
        try {
            return Files.readString(pom).contains(MODULE_MARKER);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pom, e);
        }
    }
}
