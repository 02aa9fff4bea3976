package io.fhirpipe.sqlonfhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden SQL files under src/test/resources/golden. Run with -Dgolden.update=true to (re)write
 * them; the files are reviewed by hand and committed, so any change in emitted SQL shows in a diff.
 */
final class Golden {

    private Golden() {}

    static void assertMatches(String file, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Path p = Path.of("src/test/resources/golden", file);
            Files.createDirectories(p.getParent());
            Files.writeString(p, actual + "\n");
            return;
        }
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + file)) {
            assertThat(in).as("golden file " + file).isNotNull();
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(actual).as("golden " + file).isEqualTo(expected);
        }
    }
}
