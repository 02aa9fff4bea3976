package io.fhirpipe.runtime.tracing;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Decides the services' default for {@code quarkus.otel.sdk.disabled}: tracing is on when asked
 * ({@code FHIRPIPE_TRACING=true}) or when somewhere to send spans is configured
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT} or the property
 * {@code quarkus.otel.exporter.otlp.endpoint} as a system property); otherwise off, so a local run does
 * not try to export to a collector that is not there. {@code FHIRPIPE_TRACING=false} turns it off
 * whatever is configured. A config source of low ordinal (below application.properties), so an
 * explicit {@code quarkus.otel.sdk.disabled} anywhere still wins; registered through
 * {@code META-INF/services}, because the rule needs an "or" that property expressions cannot say.
 */
public final class TracingSwitch implements ConfigSource {

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";

    private final Function<String, String> environment;
    private final Function<String, String> systemProperties;

    public TracingSwitch() {
        this(System::getenv, System::getProperty);
    }

    TracingSwitch(Function<String, String> environment, Function<String, String> systemProperties) {
        this.environment = environment;
        this.systemProperties = systemProperties;
    }

    /** Whether the services trace, by the rule above. */
    boolean tracing() {
        String asked = environment.apply("FHIRPIPE_TRACING");
        if (!blank(asked)) {
            return Boolean.parseBoolean(asked.trim().toLowerCase(Locale.ROOT));
        }
        return !blank(environment.apply("OTEL_EXPORTER_OTLP_ENDPOINT"))
                || !blank(environment.apply("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT"))
                || !blank(systemProperties.apply(ENDPOINT));
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(SDK_DISABLED, Boolean.toString(!tracing()));
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(SDK_DISABLED);
    }

    @Override
    public String getValue(String propertyName) {
        return SDK_DISABLED.equals(propertyName) ? Boolean.toString(!tracing()) : null;
    }

    @Override
    public String getName() {
        return "fhirpipe-tracing-switch";
    }

    @Override
    public int getOrdinal() {
        // below application.properties (250) and .env / environment (295, 300), above defaults
        return 200;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
