package io.fhirpipe.fhirclient.bulkdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.testsupport.fixture.Fixtures;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestParserTest {

    @Test
    void readsHapisSystemManifestWithSeveralFilesPerType() {
        ExportManifest manifest = ManifestParser.parse(Fixtures.bulkDataText("03-system-manifest.json"));

        assertThat(manifest.transactionTime()).isEqualTo(Instant.parse("2026-11-26T05:31:32.857Z"));
        assertThat(manifest.requiresAccessToken()).isTrue();
        assertThat(manifest.nextPage()).isEmpty();
        assertThat(manifest.files(FileKind.OUTPUT))
                .extracting(ManifestFile::resourceType)
                .contains("Patient", "Observation", "Encounter", "Condition", "MedicationRequest");
        assertThat(manifest.files(FileKind.OUTPUT))
                .filteredOn(f -> f.resourceType().equals("Observation"))
                .extracting(ManifestFile::fileIndex)
                .containsExactly(0, 1);
        assertThat(manifest.files()).allSatisfy(f -> {
            assertThat(f.url()).startsWith("http://127.0.0.1:8080/fhir/Binary/");
            assertThat(f.count()).isNull();
        });
    }

    @Test
    void anExportWithNoDataHasNoFilesAndKeepsTheServersMessage() {
        ExportManifest manifest = ManifestParser.parse(Fixtures.bulkDataText("81-since-future.final.body"));
        assertThat(manifest.files()).isEmpty();
        assertThat(manifest.message())
                .hasValueSatisfying(m -> assertThat(m).startsWith("Export complete, but no data"));
    }

    @Test
    void deletedErrorCountsAndPagesAreRead() {
        String page1 = """
                {"transactionTime":"2026-11-26T05:31:32Z","requiresAccessToken":false,
                 "output":[{"type":"Patient","url":"https://fhir.test/f/1","count":1000},
                           {"type":"Patient","url":"https://fhir.test/f/2","count":12}],
                 "deleted":[{"type":"Patient","url":"https://fhir.test/d/1","count":3}],
                 "error":[{"type":"OperationOutcome","url":"https://fhir.test/e/1"}],
                 "link":[{"relation":"next","url":"https://fhir.test/manifest?page=2"}]}""";
        String page2 = """
                {"transactionTime":"2026-11-26T05:31:32Z","requiresAccessToken":false,
                 "output":[{"type":"Patient","url":"https://fhir.test/f/3","count":5}]}""";
        Map<String, Integer> indexes = new HashMap<>();

        ExportManifest first = ManifestParser.parse(page1, indexes);
        ExportManifest second = ManifestParser.parse(page2, indexes);

        assertThat(first.nextPage()).contains("https://fhir.test/manifest?page=2");
        assertThat(first.files())
                .containsExactly(
                        new ManifestFile(FileKind.OUTPUT, "Patient", 0, "https://fhir.test/f/1", 1000L),
                        new ManifestFile(FileKind.OUTPUT, "Patient", 1, "https://fhir.test/f/2", 12L),
                        new ManifestFile(FileKind.DELETED, "Patient", 0, "https://fhir.test/d/1", 3L),
                        new ManifestFile(FileKind.ERROR, "OperationOutcome", 0, "https://fhir.test/e/1", null));
        assertThat(second.nextPage()).isEmpty();
        assertThat(second.files())
                .containsExactly(new ManifestFile(FileKind.OUTPUT, "Patient", 2, "https://fhir.test/f/3", 5L));
    }

    @Test
    void aManifestThatCannotBeTrustedIsRejectedWithTheReason() {
        assertThatThrownBy(() -> ManifestParser.parse("<html/>")).hasMessageStartingWith("the manifest is not JSON");
        assertThatThrownBy(() -> ManifestParser.parse("{\"output\":[]}")).hasMessage("transactionTime is missing");
        assertThatThrownBy(() -> ManifestParser.parse("""
                {"transactionTime":"2026-11-26T05:31:32Z","output":[{"type":"Foo","url":"https://x/1"}]}"""))
                .hasMessage("output[0].type \"Foo\" is not a FHIR R4 resource type");
        assertThatThrownBy(() -> ManifestParser.parse("""
                {"transactionTime":"2026-11-26T05:31:32Z","output":[{"type":"Patient","url":"file:///etc/passwd"}]}""")).hasMessage("output[0].url must be an http(s) URL");
        assertThatThrownBy(() -> ManifestParser.parse("""
                {"transactionTime":"2026-11-26T05:31:32Z","output":[{"type":"Patient","url":"https://x/1","count":-1}]}"""))
                .hasMessage("output[0].count must be a non-negative integer");
    }
}
