package io.fhirpipe.model.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void deterministicIdsDependOnEveryPartAndItsBoundaries() {
        assertThat(Ids.deterministic("a", "b"))
                .isEqualTo(Ids.deterministic("a", "b"))
                .isNotEqualTo(Ids.deterministic("ab", ""))
                .isNotEqualTo(Ids.deterministic("a", "c"));
    }

    @Test
    void aScheduleWindowHasOneExportId() {
        Instant window = Instant.parse("2026-11-26T02:00:00Z");
        assertThat(Ids.scheduledExportId("nightly", window))
                .isEqualTo(Ids.scheduledExportId("nightly", window))
                .isNotEqualTo(Ids.scheduledExportId("nightly", window.plusSeconds(86400)))
                .isNotEqualTo(Ids.scheduledExportId("hourly", window));
    }

    @Test
    void safeIds() {
        assertThat(Ids.isSafe(Ids.newExportId())).isTrue();
        assertThat(Ids.isSafe("nightly.v2_a-b")).isTrue();
        assertThat(Ids.isSafe("../x")).isFalse();
        assertThat(Ids.isSafe("a b")).isFalse();
        assertThat(Ids.isSafe("x".repeat(129))).isFalse();
    }
}
