package io.fhirpipe.exporttrigger.fhir;

import io.fhirpipe.fhirclient.config.AuthSettingsFromConfig;
import io.fhirpipe.fhirclient.config.FhirServerConfig;
import io.fhirpipe.fhirclient.auth.AccessTokenSources;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Builds the named FHIR servers from configuration, failing start-up with the setting that is wrong. */
public final class FhirServerFactory {

    private FhirServerFactory() {
    }

    public static FhirServers create(Map<String, FhirServerConfig> configs) {
        Map<String, FhirServer> servers = new TreeMap<>();
        configs.forEach((name, config) -> servers.put(name, create(name, config)));
        return new FhirServers(servers);
    }

    static FhirServer create(String name, FhirServerConfig config) {
        URI base = URI.create(config.baseUrl());
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("fhirpipe.servers." + name + ".base-url must be an http(s) URL");
        }
        String method = config.kickoffMethod().toLowerCase(Locale.ROOT);
        if (!method.equals("get") && !method.equals("post")) {
            throw new IllegalArgumentException("fhirpipe.servers." + name + ".kickoff-method must be get or post");
        }
        return new FhirServer(name, config.baseUrl(), ServerFlavor.fromConfig(config.flavor()), method.equals("post"),
                config.requestTimeout(), AccessTokenSources.create(AuthSettingsFromConfig.of(name, config.auth()),
                config.baseUrl()), config.deletes());
    }
}
