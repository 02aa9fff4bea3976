package io.fhirpipe.loadgenerator.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreshnessReportTest {

    private static final Instant T = Instant.parse("2026-12-03T15:00:00Z");
    private static final FreshnessOptions OPTIONS =
            FreshnessOptions.parse(new String[] {"--minutes", "2"}, Path.of("/checkout"));
    private static final ExportRun FIRST =
            new ExportRun("e0", "LOADED", true, T.minusSeconds(60), T.minusSeconds(20), 500);

    private static Write write(int seq, String kind, String id, int second) {
        return new Write(
                seq,
                kind,
                kind.endsWith("Patient") ? "Patient" : "Observation",
                id,
                "2",
                T.plusSeconds(second),
                T.plusSeconds(second));
    }

    @Test
    void aWriteNeverSeenFailsTheRunAndIsNamed() {
        WriteLog log = new WriteLog();
        log.add(write(0, "update Patient", "pt-00001", 0));
        log.add(write(1, "add Observation", "obs-9", 1));
        log.observe("Patient", "pt-00001", T, T.plusSeconds(40));

        assertThat(FreshnessReport.failures(OPTIONS, log))
                .singleElement()
                .asString()
                .contains("1 write(s) never seen", "Observation/obs-9/_history/2");
        String table = FreshnessReport.table(
                OPTIONS,
                log,
                FIRST,
                List.of(
                        new ExportRun("e1", "LOADED", true, T, T.plusSeconds(90), 142),
                        new ExportRun("e2", "LOADED", false, T, T.plusSeconds(25), 3),
                        new ExportRun("e3", "EXPORTED", false, T, null, 0)),
                "2 cores");
        assertThat(table).contains("2 cores", "target p95 <= 60 s: MET (p95 40.0 s)", "FAILED:");
        // a full export's duration is not an incremental one's
        assertThat(table)
                .contains(
                        "later exports: 3 {EXPORTED=1, LOADED=2}, 1 of them full",
                        "the incremental ones request -> LOADED p50 25.0 s, p95 25.0 s, max 25.0 s; 145 rows");
        assertThat(table).containsPattern("add Observation\\s+1\\s+0\\s+-");
        assertThat(table).containsPattern("all\\s+2\\s+1\\s+40.0\\s+40.0\\s+40.0");
    }

    @Test
    void aSlowP95FailsTheTargetEvenWhenEverythingWasSeen() {
        WriteLog log = new WriteLog();
        log.add(write(0, "update Patient", "pt-00001", 0));
        log.observe("Patient", "pt-00001", T, T.plusSeconds(61));
        assertThat(FreshnessReport.failures(OPTIONS, log)).containsExactly("p95 61.0 s is above the target of 60 s");
        assertThat(FreshnessReport.table(OPTIONS, log, FIRST, List.of(), "2 cores"))
                .contains("NOT MET");
    }
}
