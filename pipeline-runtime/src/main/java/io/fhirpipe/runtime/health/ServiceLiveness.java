package io.fhirpipe.runtime.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive while the process answers: liveness checks nothing outside it, so that a broker or storage
 * outage makes a service unready (no traffic) instead of restarting it in a loop.
 */
@Liveness
@ApplicationScoped
class ServiceLiveness implements HealthCheck {

    private final String service;

    @Inject
    ServiceLiveness(@ConfigProperty(name = "quarkus.application.name") String service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up(service);
    }
}
