package io.fhirpipe.exporttrigger.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.fhirpipe.exporttrigger.TriggerTestStack;
import io.fhirpipe.exporttrigger.state.WatermarkStore;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.testsupport.fhir.RecordedRequest;
import io.fhirpipe.testsupport.fhir.RecordedResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = TriggerTestStack.class, restrictToAnnotatedClass = false)
class JobsResourceTest {

    @Inject
    WatermarkStore watermarks;

    @Inject
    ExportRunStore runs;

    @Test
    void runningAJobNowExportsIncrementallySinceItsWatermark() {
        Instant mark = Instant.parse("2026-11-25T10:00:00Z");
        watermarks.advance("catch-up", mark, "an-earlier-export", Instant.now());
        String path = "/fhir/Group/g-catch-up/$export";
        TriggerTestStack.fhir.enqueue("GET", path, RecordedResponse.fixture("01-system-kickoff"));

        given().when()
                .get("/jobs")
                .then()
                .statusCode(200)
                .body("find { it.name == 'catch-up' }.watermark", equalTo("2026-11-25T10:00:00Z"))
                .body("find { it.name == 'catch-up' }.cron", equalTo("off"));

        String exportId = given().when()
                .post("/jobs/catch-up/runs")
                .then()
                .statusCode(202)
                .body("job", equalTo("catch-up"))
                .body("since", equalTo("2026-11-25T10:00:00Z"))
                .body("statusUrl", startsWith("/exports/"))
                .extract()
                .path("exportId");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> runs.find(exportId)
                        .map(r -> r.status() == ExportRunStatus.ACCEPTED)
                        .orElse(false));
        assertThat(runs.find(exportId).orElseThrow().job()).isEqualTo("catch-up");
        List<RecordedRequest> kickoffs = TriggerTestStack.fhir.requests().stream()
                .filter(r -> r.path().equals(path))
                .toList();
        assertThat(kickoffs).hasSize(1);
        assertThat(kickoffs.get(0).rawQuery()).isEqualTo("_since=2026-11-25T10%3A00%3A00Z");
    }

    @Test
    void aScheduledJobShowsItsNextRunAndAJobThatIsOffShowsNone() {
        // The scheduler fires cron expressions in the JVM's default time zone.
        String firstWindow = ZonedDateTime.of(2099, 1, 1, 3, 0, 0, 0, ZoneId.systemDefault())
                .toInstant()
                .toString();
        given().when()
                .get("/jobs")
                .then()
                .statusCode(200)
                .body("find { it.name == 'far-ahead' }.nextRun", equalTo(firstWindow))
                .body("find { it.name == 'catch-up' }.nextRun", nullValue());
    }

    @Test
    void anUnknownJobIsA404Problem() {
        given().when()
                .post("/jobs/no-such-job/runs")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:fhirpipe:problem:job-not-found"));
    }
}
