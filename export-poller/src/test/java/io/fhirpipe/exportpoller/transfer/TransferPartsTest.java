package io.fhirpipe.exportpoller.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.fhirclient.bulkdata.OperationOutcome;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.storage.LandingBlob;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferPartsTest {

    private static long count(String text, int pieceSize) {
        LineCounter counter = new LineCounter();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += pieceSize) {
            counter.update(bytes, i, Math.min(pieceSize, bytes.length - i));
        }
        return counter.lines();
    }

    @Test
    void countsRecordsWhateverThePiecesAndLineEndings() {
        for (int piece : new int[] {1, 2, 3, 1000}) {
            assertThat(count("", piece)).isZero();
            assertThat(count("{}\n{}\n", piece)).isEqualTo(2);
            assertThat(count("{}\n{}", piece)).isEqualTo(2);
            assertThat(count("{}\r\n{}\r\n", piece)).isEqualTo(2);
            assertThat(count("{}\n\n\r\n{}\n\n", piece)).isEqualTo(2);
            assertThat(count("\n", piece)).isZero();
        }
    }

    @Test
    void collectsOperationOutcomeIssuesAcrossPiecesAndSkipsWhatIsNotOne() {
        String text =
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"processing\","
                        + "\"diagnostics\":\"a\"},{\"severity\":\"warning\",\"code\":\"informational\"}]}\n"
                        + "not json\n{\"resourceType\":\"Patient\"}\n"
                        + "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"fatal\",\"code\":\"exception\","
                        + "\"diagnostics\":\"b\"}]}";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        OperationOutcomeIssues issues = new OperationOutcomeIssues();
        for (int i = 0; i < bytes.length; i += 7) {
            issues.update(bytes, i, Math.min(7, bytes.length - i));
        }
        issues.finish();

        assertThat(issues.issues())
                .containsExactly(
                        new OperationOutcome.Issue("error", "processing", "a"),
                        new OperationOutcome.Issue("warning", "informational", null),
                        new OperationOutcome.Issue("fatal", "exception", "b"));
        assertThat(issues.totalIssues()).isEqualTo(3);
        assertThat(issues.unreadableLines()).isEqualTo(2);
    }

    @Test
    void anOverlongLineIsCountedAsUnreadableNotKept() {
        OperationOutcomeIssues issues = new OperationOutcomeIssues();
        byte[] huge = new byte[OperationOutcomeIssues.MAX_LINE + 10];
        java.util.Arrays.fill(huge, (byte) 'x');
        issues.update(huge, 0, huge.length);
        byte[] next = "\n{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"code\":\"c\"}]}\n".getBytes();
        issues.update(next, 0, next.length);
        issues.finish();
        assertThat(issues.unreadableLines()).isEqualTo(1);
        assertThat(issues.issues()).extracting(OperationOutcome.Issue::code).containsExactly("c");
    }

    @Test
    void recognisesUrlsInTheStorageAccount() {
        StorageAccountUrls azure = new StorageAccountUrls("https://acct.blob.core.windows.net");
        assertThat(azure.contains("https://acct.blob.core.windows.net/export/2026/Patient-1.ndjson"))
                .isTrue();
        assertThat(azure.contains("https://acct.dfs.core.windows.net/export/Patient-1.ndjson"))
                .isTrue();
        assertThat(azure.contains("https://other.blob.core.windows.net/export/Patient-1.ndjson"))
                .isFalse();
        assertThat(azure.contains("http://acct.blob.core.windows.net/export/Patient-1.ndjson"))
                .isFalse();
        assertThat(azure.contains("https://acct.blob.core.windows.net.evil.com/x/y"))
                .isFalse();
        StorageAccountUrls azurite = new StorageAccountUrls("http://127.0.0.1:10000/devstoreaccount1");
        assertThat(azurite.contains("http://127.0.0.1:10000/devstoreaccount1/landing/e/Patient-0.ndjson"))
                .isTrue();
        assertThat(azurite.contains("http://127.0.0.1:10000/other/landing/e/Patient-0.ndjson"))
                .isFalse();
        assertThat(azurite.contains("http://127.0.0.1:8080/fhir/Binary/x")).isFalse();
    }

    @Test
    void acceptsNdjsonContentTypesAndRejectsBinaryResources() {
        assertThat(FileTransfer.isNdjson("application/fhir+ndjson")).isTrue();
        assertThat(FileTransfer.isNdjson("application/fhir+ndjson;charset=UTF-8"))
                .isTrue();
        assertThat(FileTransfer.isNdjson("ndjson")).isTrue();
        assertThat(FileTransfer.isNdjson("")).isTrue();
        assertThat(FileTransfer.isNdjson("application/fhir+json;charset=UTF-8")).isFalse();
        assertThat(FileTransfer.isNdjson("application/json+fhir")).isFalse();
        assertThat(FileTransfer.isNdjson("application/fhir+xml")).isFalse();
        assertThat(FileTransfer.isNdjson("text/html")).isFalse();
    }

    @Test
    void theBlobCreatedEventIsDeterministicAndWhatTheSplitterSplits() throws Exception {
        LandingBlob blob = new LandingBlob("exp-1", FileKind.DELETED, "Observation", 3, false);
        String url = "https://acct.blob.core.windows.net/landing/exp-1/deleted/Observation-3.ndjson";
        LandedFile file = new LandedFile(
                blob, url, "0x8DC0A1B2C3D4E5F", 1234, 5, Instant.parse("2026-11-26T08:00:00.123456Z"), 1, List.of(), 0);

        String json = BlobCreatedEvent.json(file, "acct");

        assertThat(BlobCreatedEvent.json(file, "acct")).isEqualTo(json);
        assertThat(BlobCreatedEvent.id(blob.name(), "0x8DC0A1B2C3D4E5F"))
                .isNotEqualTo(BlobCreatedEvent.id(blob.name(), "0x8DC0A1B2C3D4E60"));
        assertThat(SplitterAcceptance.splits(json, "https://acct.blob.core.windows.net"))
                .singleElement()
                .isEqualTo(new SplitterAcceptance.Split(blob, "0x8DC0A1B2C3D4E5F"));
        assertThat(SplitterAcceptance.splits("[" + json + "]", "https://acct.blob.core.windows.net"))
                .hasSize(1);
    }
}
