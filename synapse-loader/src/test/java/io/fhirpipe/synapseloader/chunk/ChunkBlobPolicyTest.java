package io.fhirpipe.synapseloader.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.events.ChunkReady;
import io.fhirpipe.model.events.FileKind;
import org.junit.jupiter.api.Test;

class ChunkBlobPolicyTest {

    static final String SHA = "a".repeat(64);
    final ChunkBlobPolicy policy = new ChunkBlobPolicy();

    static ChunkReady chunk(String exportId, String type, String source, String chunkBlob) {
        return new ChunkReady(exportId, type, source, "0x1", chunkBlob, 0, 1, 1, SHA);
    }

    @Test
    void aSplitterChunkIsAcceptedWithItsKindAndLedgerId() {
        ChunkRef ref = policy.check(chunk("e1", "Patient", "e1/Patient-0.ndjson.gz", "e1/Patient-0/0x1/000003.ndjson"));
        assertThat(ref.kind()).isEqualTo(FileKind.OUTPUT);
        assertThat(ref.chunkId()).isEqualTo("e1/Patient-0/0x1/000003.ndjson#" + SHA);
        assertThat(policy.check(chunk(
                                "e1",
                                "Patient",
                                "e1/deleted/Patient-2.ndjson",
                                "e1/deleted/Patient-2/0x1/000000.ndjson"))
                        .kind())
                .isEqualTo(FileKind.DELETED);
    }

    @Test
    void namesOutsideTheSourceFolderOrDisagreeingWithTheSourceAreForeign() {
        for (ChunkReady bad : new ChunkReady[] {
            chunk("e1", "Patient", "e1/Patient-0.ndjson", "e2/Patient-0/0x1/000000.ndjson"),
            chunk("e1", "Patient", "e1/Patient-0.ndjson", "e1/Patient-1/0x1/000000.ndjson"),
            chunk("e1", "Patient", "e1/Patient-0.ndjson", "e1/Patient-0/../../x/000000.ndjson"),
            chunk("e1", "Patient", "e1/Patient-0.ndjson", "http://169.254.169.254/chunks/e1/Patient-0/x.ndjson"),
            chunk("e1", "Observation", "e1/Patient-0.ndjson", "e1/Patient-0/0x1/000000.ndjson"),
            chunk("e2", "Patient", "e1/Patient-0.ndjson", "e1/Patient-0/0x1/000000.ndjson"),
            chunk("e1", "Patient", "e1/nested/Patient-0.ndjson", "e1/nested/Patient-0/0x1/000000.ndjson"),
            chunk(
                    "e1",
                    "OperationOutcome",
                    "e1/error/OperationOutcome-0.ndjson",
                    "e1/error/OperationOutcome-0/0x1/000000.ndjson"),
        }) {
            assertThatThrownBy(() -> policy.check(bad))
                    .as(bad.chunkBlob())
                    .isInstanceOf(ChunkFailure.class)
                    .satisfies(e -> assertThat(((ChunkFailure) e).reason()).isEqualTo(ChunkFailure.FOREIGN_CHUNK));
        }
    }

    @Test
    void aTypeThatIsNotAFhirResourceFails() {
        assertThatThrownBy(() -> policy.check(chunk("e1", "Foo", "e1/Foo-0.ndjson", "e1/Foo-0/0x1/000000.ndjson")))
                .isInstanceOf(ChunkFailure.class)
                .satisfies(e -> assertThat(((ChunkFailure) e).reason()).isEqualTo(ChunkFailure.UNKNOWN_RESOURCE_TYPE));
    }
}
