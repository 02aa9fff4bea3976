package io.fhirpipe.fhirclient.bulkdata;

import io.fhirpipe.fhirclient.auth.AccessTokenSources;
import io.fhirpipe.fhirclient.config.AuthSettingsFromConfig;
import io.fhirpipe.fhirclient.config.FhirServerConfig;
import java.net.URI;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configured FHIR servers by name, each with its one {@link BulkDataClient}. Built once per
 * service from {@code fhirpipe.servers.*}; a wrong setting fails start-up naming it.
 */
public final class FhirServers {

    private final Map<String, BulkDataClient> byName;

    public FhirServers(Collection<BulkDataClient> clients) {
        Map<String, BulkDataClient> map = new TreeMap<>();
        clients.forEach(c -> map.put(c.server().name(), c));
        this.byName = Collections.unmodifiableMap(map);
    }

    public static FhirServers from(Map<String, FhirServerConfig> configs) {
        return new FhirServers(configs.entrySet().stream()
                .map(e -> new BulkDataClient(server(e.getKey(), e.getValue())))
                .toList());
    }

    static FhirServer server(String name, FhirServerConfig config) {
        URI base = URI.create(config.baseUrl());
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("fhirpipe.servers." + name + ".base-url must be an http(s) URL");
        }
        String method = config.kickoffMethod().toLowerCase(Locale.ROOT);
        if (!method.equals("get") && !method.equals("post")) {
            throw new IllegalArgumentException("fhirpipe.servers." + name + ".kickoff-method must be get or post");
        }
        return new FhirServer(
                name,
                base,
                ServerFlavor.fromConfig(config.flavor()),
                method.equals("post"),
                config.connectTimeout(),
                config.requestTimeout(),
                AccessTokenSources.create(AuthSettingsFromConfig.of(name, config.auth()), config.baseUrl()),
                config.deletes());
    }

    public Optional<BulkDataClient> find(String name) {
        return Optional.ofNullable(name).map(byName::get);
    }

    /** Sorted. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** Base URLs by name, for the reachability probes. */
    public Map<String, String> baseUrls() {
        Map<String, String> urls = new TreeMap<>();
        byName.forEach(
                (name, client) -> urls.put(name, client.server().baseUrl().toString()));
        return urls;
    }
}
