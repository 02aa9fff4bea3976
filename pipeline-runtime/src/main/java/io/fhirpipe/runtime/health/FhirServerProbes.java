package io.fhirpipe.runtime.health;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The configured FHIR servers' reachability ({@link HttpReachability} of each, cached), reported two
 * ways: {@link #informational()} is always UP and lists each server's state in its data, for the
 * service's readiness; {@link #strict()} is DOWN when any server is unreachable, for the
 * {@code fhir-servers} health group. A FHIR server outage must not make a replica unready: the
 * server is outside fhirpipe, every replica sees the same outage, and an unready trigger would
 * also take away the status API operators need during it, while the pipeline already retries
 * kick-offs and polls with backoff.
 */
public final class FhirServerProbes {

    public static final String NAME = "fhir-servers";

    private final Map<String, CachedProbe> servers = new TreeMap<>();

    /** @param baseUrls server name to base URL, as configured */
    public FhirServerProbes(Map<String, String> baseUrls, Duration timeout, Duration cacheFor) {
        baseUrls.forEach(
                (name, url) -> servers.put(name, new CachedProbe(cacheFor, new HttpReachability(name, url, timeout))));
    }

    public HealthCheckResponse informational() {
        return report(true);
    }

    public HealthCheckResponse strict() {
        return report(false);
    }

    private HealthCheckResponse report(boolean alwaysUp) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        boolean allUp = true;
        for (Map.Entry<String, CachedProbe> server : servers.entrySet()) {
            Probe probe = server.getValue().get();
            allUp &= probe.up();
            response.withData(server.getKey(), (probe.up() ? "UP — " : "DOWN — ") + probe.detail());
        }
        if (alwaysUp) {
            response.withData("affects-readiness", false);
        }
        return response.status(alwaysUp || allUp).build();
    }
}
