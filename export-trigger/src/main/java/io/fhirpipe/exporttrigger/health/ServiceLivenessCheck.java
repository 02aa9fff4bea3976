package io.fhirpipe.exporttrigger.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Placeholder until this service's issue is built: the process is up and answers health probes. */
@Liveness
@ApplicationScoped
public class ServiceLivenessCheck implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("export-trigger");
    }
}
