package io.fhirpipe.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PipelineMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void bind() {
        Metrics.addRegistry(registry);
    }

    @AfterEach
    void unbind() {
        Metrics.removeRegistry(registry);
        registry.close();
    }

    @Test
    void resourceTypesOutsideFhirNamingAreOneTagValueSoAMessageCannotGrowTheSeries() {
        PipelineMetrics.loaded("Observation", 5, 1);
        PipelineMetrics.loaded("Observation?x=1", 2, 0);
        PipelineMetrics.loaded("../../etc", 3, 0);
        PipelineMetrics.loaded(null, 1, 0);

        assertThat(registry.get(PipelineMetrics.LOADER_ROWS)
                        .tags("resource_type", "Observation", "outcome", "loaded")
                        .counter()
                        .count())
                .isEqualTo(5);
        assertThat(registry.get(PipelineMetrics.LOADER_ROWS)
                        .tags("resource_type", "Observation", "outcome", "rejected")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.LOADER_ROWS)
                        .tags("resource_type", "other", "outcome", "loaded")
                        .counter()
                        .count())
                .isEqualTo(6);
    }

    @Test
    void stageDurationsAreTimersPerStageAndOutcome() {
        PipelineMetrics.time("load").stop("ok");
        PipelineMetrics.time("load").stop("ok");
        Timer timer = registry.get(PipelineMetrics.STAGE_DURATION)
                .tags("stage", "load", "outcome", "ok")
                .timer();
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        // the Prometheus buckets (fhirpipe_stage_duration_seconds_bucket) are checked by the services' tests
    }

    @Test
    void fhirAnswersAreCountedByStatusAndTheUnansweredByWhatHappened() {
        PipelineMetrics.fhirResponse("hapi", "kickoff", "202");
        PipelineMetrics.fhirUnanswered("hapi", "poll", new java.net.http.HttpTimeoutException("slow"));
        PipelineMetrics.fhirUnanswered("hapi", "poll", new java.net.ConnectException("refused"));
        assertThat(registry.get(PipelineMetrics.FHIR_RESPONSES)
                        .tags("server", "hapi", "operation", "kickoff", "status", "202")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.FHIR_RESPONSES)
                        .tags("operation", "poll", "status", "timeout")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.FHIR_RESPONSES)
                        .tags("operation", "poll", "status", "unreachable")
                        .counter()
                        .count())
                .isEqualTo(1);
    }
}
