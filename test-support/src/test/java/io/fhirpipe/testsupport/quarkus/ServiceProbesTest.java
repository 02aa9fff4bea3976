package io.fhirpipe.testsupport.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceProbesTest {

    @Test
    void aSampleIsReadWithItsTimestampOrTheExemplarPrometheusAppendsWhenTracingIsOn() {
        String scrape = """
                # TYPE fhirpipe_messages_handled_total counter
                fhirpipe_messages_handled_total{subscription="export-tracker",topic="chunk-loaded"} 2.0
                fhirpipe_messages_handled_total{subscription="export-tracker",topic="chunk-failed"} 1.0 1733241600000
                fhirpipe_messages_handled_total{subscription="synapse-loader",topic="chunk-ready"} 3.0 # {span_id="00f067aa0ba902b7",trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 1.0 1733241600.000
                fhirpipe_stage_duration_seconds_count{stage="load"} 4
                """;

        assertThat(ServiceProbes.metric(scrape, "fhirpipe_messages_handled_total", Map.of()))
                .isEqualTo(6.0);
        assertThat(ServiceProbes.metric(scrape, "fhirpipe_messages_handled_total", Map.of("topic", "chunk-ready")))
                .isEqualTo(3.0);
        assertThat(ServiceProbes.metric(scrape, "fhirpipe_stage_duration_seconds_count", Map.of("stage", "load")))
                .isEqualTo(4.0);
        assertThat(ServiceProbes.metric(scrape, "fhirpipe_missing_total", Map.of()))
                .isZero();
    }
}
