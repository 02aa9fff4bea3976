package io.fhirpipe.loadgenerator.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExportRunTest {

    @Test
    void readsTheStatusViewOfAnIncrementalAndOfAnUnfinishedFullExport() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ExportRun incremental = ExportRun.of(json.readTree("""
                {"exportId":"e1","status":"LOADED","request":{"since":"2026-12-03T15:34:00.120Z"},
                 "timings":{"createdAt":"2026-12-03T15:35:00Z","loadedAt":"2026-12-03T15:35:11.650Z"},
                 "progress":{"types":{"Patient":{"rowsLoaded":2},"Observation":{"rowsLoaded":3}}}}"""));
        assertThat(incremental)
                .isEqualTo(new ExportRun(
                        "e1",
                        "LOADED",
                        false,
                        Instant.parse("2026-12-03T15:35:00Z"),
                        Instant.parse("2026-12-03T15:35:11.650Z"),
                        5));
        assertThat(incremental.seconds()).isEqualTo(11.65);

        ExportRun full = ExportRun.of(json.readTree("""
                {"exportId":"e0","status":"ACCEPTED","request":{"since":null},
                 "timings":{"createdAt":"2026-12-03T15:33:00Z"}}"""));
        assertThat(full.full()).isTrue();
        assertThat(full.seconds()).isNaN();
        assertThat(full.rowsLoaded()).isZero();
    }
}
