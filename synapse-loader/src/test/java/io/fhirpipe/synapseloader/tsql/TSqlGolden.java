package io.fhirpipe.synapseloader.tsql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden T-SQL under src/test/resources/golden/tsql. Run with -Dgolden.update=true to (re)write
 * them; they are reviewed by hand, so any change in emitted SQL shows up in a diff.
 */
final class TSqlGolden {

    private TSqlGolden() {}

    static void assertMatches(String file, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Path p = Path.of("src/test/resources/golden/tsql", file);
            Files.createDirectories(p.getParent());
            Files.writeString(p, actual + "\n");
            return;
        }
        try (InputStream in = TSqlGolden.class.getResourceAsStream("/golden/tsql/" + file)) {
            assertThat(in)
                    .as("golden file golden/tsql/" + file + " (run with -Dgolden.update=true)")
                    .isNotNull();
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(actual).as("golden tsql/" + file).isEqualTo(expected);
        }
    }
}
