package io.fhirpipe.exporttrigger.fhir;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.fhirclient.auth.AccessTokenSources;
import io.fhirpipe.fhirclient.auth.AuthSettings;
import io.fhirpipe.fhirclient.auth.SigningAlgorithm;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Builds the named FHIR servers from configuration, failing start-up with the setting that is wrong. */
public final class FhirServerFactory {

    private FhirServerFactory() {
    }

    public static FhirServers create(Map<String, TriggerConfig.FhirServerConfig> configs) {
        Map<String, FhirServer> servers = new TreeMap<>();
        configs.forEach((name, config) -> servers.put(name, create(name, config)));
        return new FhirServers(servers);
    }

    static FhirServer create(String name, TriggerConfig.FhirServerConfig config) {
        URI base = URI.create(config.baseUrl());
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("fhirpipe.servers." + name + ".base-url must be an http(s) URL");
        }
        String method = config.kickoffMethod().toLowerCase(Locale.ROOT);
        if (!method.equals("get") && !method.equals("post")) {
            throw new IllegalArgumentException("fhirpipe.servers." + name + ".kickoff-method must be get or post");
        }
        return new FhirServer(name, config.baseUrl(), ServerFlavor.fromConfig(config.flavor()), method.equals("post"),
                config.requestTimeout(), AccessTokenSources.create(authSettings(name, config.auth()),
                config.baseUrl()));
    }

    static AuthSettings authSettings(String name, TriggerConfig.Auth auth) {
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
