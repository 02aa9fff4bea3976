package io.fhirpipe.runtime.health;

import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * What one dependency answered, as a readiness check reports it: up or down and why, in words an
 * operator can act on ({@code Azurite at 127.0.0.1:10000 refused the connection}). The detail names
 * hosts and ports only, never a connection string, key, token or query string.
 */
public record Probe(boolean up, String detail) {

    public static Probe up(String detail) {
        return new Probe(true, detail);
    }

    public static Probe down(String detail) {
        return new Probe(false, detail);
    }

    /** The MicroProfile Health answer: the check's name, its status and the detail as {@code reason}. */
    public HealthCheckResponse response(String name) {
        return HealthCheckResponse.named(name)
                .status(up)
                .withData("reason", detail)
                .build();
    }
}
