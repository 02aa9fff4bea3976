package io.fhirpipe.model.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkNamesTest {

    @Test
    void namesAreDerivedFromSourceEtagAndIndex() {
        assertThat(ChunkNames.chunkBlob("exp-1/Patient-0.ndjson", "\"0x8DC0A1\"", 3))
                .isEqualTo("exp-1/Patient-0/0x8DC0A1/000003.ndjson");
        assertThat(ChunkNames.chunkBlob("exp-1/deleted/Patient-0.ndjson.gz", "0x8DC0A1", 0))
                .isEqualTo("exp-1/deleted/Patient-0/0x8DC0A1/000000.ndjson");
        assertThat(ChunkNames.rejectedBlob("exp-1/Patient-0.ndjson", "0x8DC0A1"))
                .isEqualTo("exp-1/Patient-0/0x8DC0A1/rejected.ndjson");
    }

    @Test
    void quotedAndUnquotedEtagsGiveTheSameNameAndOddEtagsAreHashed() {
        assertThat(ChunkNames.chunkBlob("e/P-1.ndjson", "\"abc\"", 1))
                .isEqualTo(ChunkNames.chunkBlob("e/P-1.ndjson", "abc", 1));
        assertThat(ChunkNames.chunkBlob("e/P-1.ndjson", "a/../b", 1)).matches("e/P-1/h[0-9a-f]{32}/000001\\.ndjson");
        assertThat(ChunkNames.chunkBlob("e/P-1.ndjson", "v1", 1))
                .isNotEqualTo(ChunkNames.chunkBlob("e/P-1.ndjson", "v2", 1));
    }
}
