package io.fhirpipe.fhirclient.health;

import io.fhirpipe.fhirclient.bulkdata.FhirServers;
import io.fhirpipe.runtime.health.FhirServerProbes;
import io.fhirpipe.runtime.health.Readiness;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;

/**
 * The configured FHIR servers' reachability, in every service that has a {@link FhirServers} bean:
 * listed in readiness without affecting it, and decisive in the {@code fhir-servers} group
 * ({@code /q/health/group/fhir-servers}); why, see {@link FhirServerProbes}.
 */
@ApplicationScoped
class FhirServerHealth {

    @Produces
    @Singleton
    FhirServerProbes probes(FhirServers servers) {
        return new FhirServerProbes(servers.baseUrls(), Readiness.TIMEOUT, Readiness.CACHE_FOR);
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
