package io.fhirpipe.exportpoller.poll;

import io.fhirpipe.fhirclient.config.AuthSettingsFromConfig;
import io.fhirpipe.fhirclient.config.FhirServerConfig;

import io.fhirpipe.exportpoller.config.PollerConfig;
import io.fhirpipe.fhirclient.auth.AccessTokenSources;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configured FHIR servers. Duplicates export-trigger's FhirServerFactory (same properties,
 * fhirpipe.servers.&lt;name&gt;.*) until that moves into shared code.
 */
@ApplicationScoped
public class PolledServers {

    private final Map<String, PolledServer> servers = new TreeMap<>();

    @Inject
    public PolledServers(PollerConfig config) {
        config.servers().forEach((name, server) -> servers.put(name, create(name, server)));
    }

    public Optional<PolledServer> find(String name) {
        return Optional.ofNullable(name).map(servers::get);
    }

    static PolledServer create(String name, FhirServerConfig config) {
        URI base = URI.create(config.baseUrl());
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("fhirpipe.servers." + name + ".base-url must be an http(s) URL");
        }
        return new PolledServer(name, base, config.connectTimeout(), config.requestTimeout(),
                AccessTokenSources.create(AuthSettingsFromConfig.of(name, config.auth()), config.baseUrl()),
                config.deletes());
    }
}
