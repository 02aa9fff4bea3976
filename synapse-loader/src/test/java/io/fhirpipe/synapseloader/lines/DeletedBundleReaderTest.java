package io.fhirpipe.synapseloader.lines;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.model.ndjson.LineRejection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeletedBundleReaderTest {

    @TempDir
    Path dir;

    static final Instant FALLBACK = Instant.parse("2026-01-01T00:00:00Z");

    DeletedScreenResult read(String text) throws Exception {
        Path f = dir.resolve("d.ndjson");
        Files.writeString(f, text);
        return new DeletedBundleReader().read(f, "Patient", FALLBACK);
    }

    static String bundle(String extra, String... entries) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\"" + extra + ",\"entry\":["
                + String.join(",", entries) + "]}";
    }

    static String delete(String url, String response) {
        return "{\"request\":{\"method\":\"DELETE\",\"url\":\"" + url + "\"}" + response + "}";
    }

    @Test
    void entriesGiveIdsAndTheBestKnownDeletionTime() throws Exception {
        DeletedScreenResult r = read(bundle(
                        ",\"meta\":{\"lastUpdated\":\"2024-06-01T00:00:00Z\"}",
                        delete("Patient/a", ""),
                        delete(
                                "http://fhir.example/fhir/Patient/b/_history/3",
                                ",\"response\":{\"status\":\"200\",\"lastModified\":\"2024-06-02T00:00:00+02:00\"}"))
                + "\n" + bundle(",\"timestamp\":\"2024-07-01T00:00:00Z\"", delete("Patient/c", "")) + "\n"
                + bundle("", delete("Patient/d", "")) + "\n");
        assertThat(r.accepted()).isEqualTo(3);
        assertThat(r.rejections()).isEmpty();
        assertThat(r.deletions())
                .containsExactly(
                        new Deletion("a", Instant.parse("2024-06-01T00:00:00Z")),
                        new Deletion("b", Instant.parse("2024-06-01T22:00:00Z")),
                        new Deletion("c", Instant.parse("2024-07-01T00:00:00Z")),
                        new Deletion("d", FALLBACK));
    }

    @Test
    void aLineIsRejectedWholeWhenAnEntryIsNotADeleteOfThisType() throws Exception {
        DeletedScreenResult r = read(
                bundle("", delete("Patient/ok", ""), "{\"request\":{\"method\":\"PUT\",\"url\":\"Patient/x\"}}") + "\n"
                        + bundle("", delete("Observation/o", "")) + "\n"
                        + "{\"resourceType\":\"Patient\",\"id\":\"p\"}\n"
                        + bundle("", delete("Patient", "")) + "\n"
                        + "not json\n"
                        + bundle("", delete("Patient/fine", "")) + "\n");
        assertThat(r.deletions()).containsExactly(new Deletion("fine", FALLBACK));
        assertThat(r.accepted()).isEqualTo(1);
        assertThat(r.rejections()).extracting(LineRejection::lineNumber).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(r.rejections())
                .extracting(LineRejection::reason)
                .startsWith(
                        "entry[1].request.method is not DELETE",
                        "entry[0] deletes a Observation in a Patient file",
                        "a deleted-resources line must be a Bundle",
                        "entry[0].request.url is not Type/id");
    }
}
