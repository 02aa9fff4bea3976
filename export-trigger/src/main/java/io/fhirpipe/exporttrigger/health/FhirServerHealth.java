package io.fhirpipe.exporttrigger.health;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.runtime.health.FhirServerProbes;
import io.fhirpipe.runtime.health.Readiness;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.util.Map;
import java.util.TreeMap;

/**
 * The configured FHIR servers' reachability: listed in readiness without affecting it, and decisive
 * in the {@code fhir-servers} group ({@code /q/health/group/fhir-servers}); why, see
 * {@link FhirServerProbes}.
 */
@ApplicationScoped
class FhirServerHealth {

    @Produces
    @Singleton
    FhirServerProbes probes(TriggerConfig config) {
        Map<String, String> baseUrls = new TreeMap<>();
        config.servers().forEach((name, server) -> baseUrls.put(name, server.baseUrl()));
        return new FhirServerProbes(baseUrls, Readiness.TIMEOUT, Readiness.CACHE_FOR);
    }

    @Produces
    @Singleton
    @org.eclipse.microprofile.health.Readiness
    HealthCheck inReadiness(FhirServerProbes probes) {
        return probes::informational;
    }

    @Produces
    @Singleton
    @HealthGroup(FhirServerProbes.NAME)
    HealthCheck inGroup(FhirServerProbes probes) {
        return probes::strict;
    }
}
