package io.fhirpipe.exportpoller.poll;

import io.fhirpipe.exportpoller.config.PollerConfig;
import io.fhirpipe.fhirclient.auth.AccessTokenSources;
import io.fhirpipe.fhirclient.auth.AuthSettings;
import io.fhirpipe.fhirclient.auth.SigningAlgorithm;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
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

    static PolledServer create(String name, PollerConfig.FhirServerConfig config) {
        URI base = URI.create(config.baseUrl());
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("fhirpipe.servers." + name + ".base-url must be an http(s) URL");
        }
        return new PolledServer(name, base, config.connectTimeout(), config.requestTimeout(),
                AccessTokenSources.create(authSettings(name, config.auth()), config.baseUrl()));
    }

    static AuthSettings authSettings(String name, PollerConfig.Auth auth) {
        String prefix = "fhirpipe.servers." + name + ".auth.";
        return switch (auth.type().toLowerCase(Locale.ROOT)) {
            case "none" -> new AuthSettings.None();
            case "bearer" -> new AuthSettings.Bearer(auth.token().orElseThrow(() ->
                    new IllegalArgumentException(prefix + "token is required for auth type bearer")));
            case "entra" -> new AuthSettings.Entra(auth.scope(), auth.managedIdentityClientId());
            case "smart" -> new AuthSettings.Smart(auth.tokenUrl().map(URI::create),
                    auth.clientId().orElseThrow(() -> new IllegalArgumentException(
                            prefix + "client-id is required for auth type smart")),
                    auth.keyId().orElseThrow(() -> new IllegalArgumentException(
                            prefix + "key-id is required for auth type smart")),
                    auth.privateKeyPem(), auth.privateKeyPath().map(Path::of),
                    SigningAlgorithm.valueOf(auth.algorithm().toUpperCase(Locale.ROOT)),
                    auth.scope().orElse("system/*.read"));
            default -> throw new IllegalArgumentException(prefix + "type must be none, bearer, entra or smart, was '"
                    + auth.type() + "'");
        };
    }
}
