package io.fhirpipe.model.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.model.events.FileKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LandingBlobTest {

    @Test
    void namesRoundTripThroughParse() {
        for (LandingBlob blob : new LandingBlob[] {
            new LandingBlob("exp-1", FileKind.OUTPUT, "Observation", 1, false),
            new LandingBlob("exp-1", FileKind.DELETED, "Patient", 0, false),
            new LandingBlob("exp-1", FileKind.ERROR, "OperationOutcome", 0, true)
        }) {
            assertThat(LandingBlob.parse(blob.name())).contains(blob);
        }
        assertThat(new LandingBlob("exp-1", FileKind.OUTPUT, "Observation", 1, false).name())
                .isEqualTo("exp-1/Observation-1.ndjson");
        assertThat(new LandingBlob("exp-1", FileKind.DELETED, "Patient", 0, true).name())
                .isEqualTo("exp-1/deleted/Patient-0.ndjson.gz");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "exp-1/observation-1.ndjson",
                "exp-1/Observation.ndjson",
                "../x/Patient-0.ndjson",
                "exp-1/../Patient-0.ndjson",
                "exp-1/other/Patient-0.ndjson",
                "exp-1/Patient-0.json",
                "exp-1/Patient-0.ndjson?sv=1"
            })
    void namesOutsideTheLayoutDoNotParse(String name) {
        assertThat(LandingBlob.parse(name)).isEmpty();
    }

    @Test
    void stateBlobNamesRejectUnsafeIds() {
        assertThat(StatePaths.exportRun("exp-1")).isEqualTo("exports/exp-1.json");
        assertThat(StatePaths.watermark("nightly")).isEqualTo("watermarks/nightly.json");
        assertThatThrownBy(() -> StatePaths.watermark("../etc")).isInstanceOf(IllegalArgumentException.class);
    }
}
