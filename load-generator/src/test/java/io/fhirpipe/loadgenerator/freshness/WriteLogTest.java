package io.fhirpipe.loadgenerator.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WriteLogTest {

    private static final Instant T = Instant.parse("2026-12-03T15:00:00Z");

    private static Write write(int seq, String type, String id, String version, int lastUpdatedSecond) {
        Instant lastUpdated = T.plusSeconds(lastUpdatedSecond);
        return new Write(seq, "update " + type, type, id, version, lastUpdated, lastUpdated.plusMillis(5));
    }

    @Test
    void aWriteIsSeenWhenItsVersionOrANewerOneIsInTheView() {
        WriteLog log = new WriteLog();
        Write v2 = write(0, "Patient", "pt-00001", "2", 0);
        Write v3 = write(1, "Patient", "pt-00001", "3", 10);
        Write other = write(2, "Patient", "pt-00002", "2", 11);
        log.add(v2);
        log.add(v3);
        log.add(other);

        // the row still holds the version before the writes: nothing seen
        assertThat(log.observe("Patient", "pt-00001", T.minusSeconds(60), T.plusSeconds(5)))
                .isZero();
        // v2 arrives
        assertThat(log.observe("Patient", "pt-00001", v2.lastUpdated(), T.plusSeconds(20)))
                .isEqualTo(1);
        assertThat(log.pending()).isEqualTo(Map.of("Patient", Set.of("pt-00001", "pt-00002")));
        // seeing the same row again changes nothing: the first sighting counts
        assertThat(log.observe("Patient", "pt-00001", v2.lastUpdated(), T.plusSeconds(25)))
                .isZero();
        // v3 arrives; pt-00002's row with the same id in another type is not it
        assertThat(log.observe("Observation", "pt-00002", T.plusSeconds(99), T.plusSeconds(40)))
                .isZero();
        assertThat(log.observe("Patient", "pt-00001", v3.lastUpdated(), T.plusSeconds(40)))
                .isEqualTo(1);

        assertThat(log.seen()).extracting(WriteLog.Seen::write).containsExactly(v2, v3);
        assertThat(log.seen()).extracting(WriteLog.Seen::seconds).containsExactly(19.995, 29.995);
        assertThat(log.unseen()).containsExactly(other);
        assertThat(log.pending()).isEqualTo(Map.of("Patient", Set.of("pt-00002")));
    }

    @Test
    void aVersionOverwrittenBeforeTheExportIsSeenWithItsSuccessor() {
        WriteLog log = new WriteLog();
        Write v2 = write(0, "Observation", "obs-1", "2", 0);
        Write v3 = write(1, "Observation", "obs-1", "3", 3);
        log.add(v2);
        log.add(v3);
        // only the newest version is exported: v3's row is the first one that shows v2's change
        assertThat(log.observe("Observation", "obs-1", v3.lastUpdated(), T.plusSeconds(30)))
                .isEqualTo(2);
        assertThat(log.latencies()).isEqualTo(Percentiles.of(List.of(29.995, 26.995)));
        assertThat(log.unseen()).isEmpty();
    }
}
