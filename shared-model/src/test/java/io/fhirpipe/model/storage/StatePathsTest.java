package io.fhirpipe.model.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.events.FileKind;
import org.junit.jupiter.api.Test;

class StatePathsTest {

    @Test
    void transferRecordsLieUnderTheirExportAndNameTheLandedFile() {
        LandingBlob deleted = new LandingBlob("exp-1", FileKind.DELETED, "Bundle", 2, false);
        assertThat(StatePaths.transferRecord(deleted)).isEqualTo("transfers/exp-1/deleted/Bundle-2.ndjson.json");
        assertThat(StatePaths.transferRecord(deleted)).startsWith(StatePaths.transferRecordPrefix("exp-1"));
        assertThat(StatePaths.landedBlobOf(StatePaths.transferRecord(deleted))).contains(deleted);
        assertThat(StatePaths.landedBlobOf("exports/exp-1.json")).isEmpty();
        assertThat(StatePaths.landedBlobOf("transfers/exp-1/notes.txt")).isEmpty();
    }

    @Test
    void unsafeIdsAreRefused() {
        assertThatThrownBy(() -> StatePaths.exportProgress("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StatePaths.transferRecordPrefix("a/b")).isInstanceOf(IllegalArgumentException.class);
    }
}
