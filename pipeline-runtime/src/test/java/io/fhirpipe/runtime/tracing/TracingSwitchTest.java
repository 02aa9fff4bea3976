package io.fhirpipe.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tracing is off unless asked for or an OTLP endpoint is configured; FHIRPIPE_TRACING=false always wins. */
class TracingSwitchTest {

    static String sdkDisabled(Map<String, String> env, Map<String, String> system) {
        return new TracingSwitch(env::get, system::get).getValue(TracingSwitch.SDK_DISABLED);
    }

    @Test
    void offWhenNothingIsConfigured() {
        assertThat(sdkDisabled(Map.of(), Map.of())).isEqualTo("true");
    }

    @Test
    void onWhenAskedOrWhenAnEndpointIsSet() {
        assertThat(sdkDisabled(Map.of("FHIRPIPE_TRACING", "true"), Map.of())).isEqualTo("false");
        assertThat(sdkDisabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"), Map.of()))
                .isEqualTo("false");
        assertThat(sdkDisabled(Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"), Map.of()))
                .isEqualTo("false");
        assertThat(sdkDisabled(Map.of(), Map.of(TracingSwitch.ENDPOINT, "http://127.0.0.1:4318")))
                .isEqualTo("false");
    }

    @Test
    void offWhenTurnedOffWhateverIsConfigured() {
        assertThat(sdkDisabled(
                        Map.of("FHIRPIPE_TRACING", "false", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"), Map.of()))
                .isEqualTo("true");
    }

    @Test
    void itAnswersOnlyForTheSdkSwitchAndBelowApplicationProperties() {
        TracingSwitch source = new TracingSwitch(name -> null, name -> null);
        assertThat(source.getValue("quarkus.otel.exporter.otlp.endpoint")).isNull();
        assertThat(source.getPropertyNames()).containsExactly(TracingSwitch.SDK_DISABLED);
        assertThat(source.getOrdinal()).isLessThan(250);
    }
}
