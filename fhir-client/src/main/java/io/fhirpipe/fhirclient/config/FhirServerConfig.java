package io.fhirpipe.fhirclient.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How one named FHIR server is configured, under {@code fhirpipe.servers.<name>.}: the same keys
 * in every service that talks to FHIR servers (the trigger kicks off, the poller polls and downloads).
 */
public interface FhirServerConfig {

    String baseUrl();

    /** {@code standard} (Bulk Data IG: {@code _until}) or {@code azure} (Azure's FHIR service: {@code _till}). */
    @WithDefault("standard")
    String flavor();

    /** {@code get} or {@code post}; a request with {@code patients} always uses POST. */
    @WithDefault("get")
    String kickoffMethod();

    /**
     * How deletes are learned: {@code manifest} (only {@code deleted[]} files), {@code history} (also the
     * server's {@code _history}) or {@code soft-deleted} (Azure: {@code includeAssociatedData=_deleted}).
     */
    @WithDefault("manifest")
    DeleteDetection deletes();

    @WithDefault("10s")
    Duration connectTimeout();

    @WithDefault("60s")
    Duration requestTimeout();

    FhirServerAuthConfig auth();
}
