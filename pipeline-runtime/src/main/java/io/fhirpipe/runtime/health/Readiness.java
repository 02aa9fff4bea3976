package io.fhirpipe.runtime.health;

import java.time.Duration;

/** How long a readiness probe may wait for a dependency, and how long its answer is reused. */
public final class Readiness {

    /** A probe answers within {@link #TIMEOUT} (set the Kubernetes probe's timeoutSeconds to 3); each dependency is asked at most every {@link #CACHE_FOR}. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    public static final Duration CACHE_FOR = Duration.ofSeconds(2);

    private Readiness() {}
}
