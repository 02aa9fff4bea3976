package io.fhirpipe.synapseloader.lines;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.model.ndjson.LineRejection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceLineScreenTest {

    @TempDir
    Path dir;

    final ResourceLineScreen screen = new ResourceLineScreen();

    static final String P1 = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"1\","
            + "\"lastUpdated\":\"2024-01-01T00:00:00+01:00\"}}";
    static final String P2 = "{\"resourceType\":\"Patient\",\"id\":\"p2\"}";

    Path write(String text) throws Exception {
        Path f = Files.createTempFile(dir, "c", ".ndjson");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aCleanChunkIsLoadedAsIsAndHashed() throws Exception {
        String text = P1 + "\n" + P2 + "\n";
        Path f = write(text);
        ScreenResult r = screen.screen(f, "Patient", dir);
        assertThat(r.loadable()).isEqualTo(f);
        assertThat(r.accepted()).isEqualTo(2);
        assertThat(r.rejections()).isEmpty();
        assertThat(r.sha256()).isEqualTo(Ids.sha256Hex(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void badLinesAreRejectedWithNumberAndReasonAndTheRestCopied() throws Exception {
        String text = P1 + "\r\n"
                + "{\"resourceType\":\"Patient\",\"id\":\"x\",\n" // 2 malformed
                + "\n" // 3 blank: skipped
                + "{\"resourceType\":\"Observation\",\"id\":\"o\"}\n" // 4 wrong type
                + "{\"resourceType\":\"Patient\"}\n" // 5 no id
                + "{\"resourceType\":\"Patient\",\"id\":\"has space\"}\n" // 6 bad id
                + "{\"resourceType\":\"Patient\",\"id\":\"t\",\"meta\":{\"lastUpdated\":\"yesterday\"}}\n" // 7
                + "[1,2]\n" // 8 not an object
                + "{\"resourceType\":\"Patient\",\"id\":\"a\"} {\"id\":\"b\"}\n" // 9 two values
                + P2; // 10, no final newline
        ScreenResult r = screen.screen(write(text), "Patient", dir);
        assertThat(r.accepted()).isEqualTo(2);
        assertThat(r.rejections()).extracting(LineRejection::lineNumber).containsExactly(2L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(r.rejections())
                .extracting(LineRejection::reason)
                .containsExactly(
                        r.rejections().get(0).reason(),
                        "resourceType 'Observation' is not the chunk's type 'Patient'",
                        "missing id",
                        "id is not a FHIR id (1-64 of A-Z a-z 0-9 - .)",
                        "meta.lastUpdated is not a FHIR instant",
                        "not a JSON object",
                        "more than one JSON value on the line");
        assertThat(r.rejections().get(0).reason()).startsWith("malformed JSON");
        assertThat(r.rejections().get(1).line()).isEqualTo("{\"resourceType\":\"Observation\",\"id\":\"o\"}");
        assertThat(Files.readString(r.loadable())).isEqualTo(P1 + "\n" + P2 + "\n");
    }

    @Test
    void aLongRejectedLineIsCutToAnExcerpt() throws Exception {
        String longLine = "{\"resourceType\":\"Patient\",\"text\":\"" + "x".repeat(10_000) + "\"}";
        ScreenResult r = screen.screen(write(longLine + "\n"), "Patient", dir);
        assertThat(r.rejections()).singleElement().satisfies(x -> {
            assertThat(x.truncated()).isTrue();
            assertThat(x.line()).hasSize(NdjsonLines.EXCERPT_BYTES);
        });
    }
}
