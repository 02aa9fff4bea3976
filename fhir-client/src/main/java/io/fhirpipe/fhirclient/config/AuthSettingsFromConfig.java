package io.fhirpipe.fhirclient.config;

import io.fhirpipe.fhirclient.auth.AuthSettings;
import io.fhirpipe.fhirclient.auth.SigningAlgorithm;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/** Turns a server's auth configuration into {@link AuthSettings}, naming the property that is wrong. */
public final class AuthSettingsFromConfig {

    private AuthSettingsFromConfig() {}

    public static AuthSettings of(String serverName, FhirServerAuthConfig auth) {
        String prefix = "fhirpipe.servers." + serverName + ".auth.";
        return switch (auth.type().toLowerCase(Locale.ROOT)) {
            case "none" -> new AuthSettings.None();
            case "bearer" ->
                new AuthSettings.Bearer(auth.token()
                        .orElseThrow(
                                () -> new IllegalArgumentException(prefix + "token is required for auth type bearer")));
            case "entra" -> new AuthSettings.Entra(auth.scope(), auth.managedIdentityClientId());
            case "smart" ->
                new AuthSettings.Smart(
                        auth.tokenUrl().map(URI::create),
                        auth.clientId()
                                .orElseThrow(() -> new IllegalArgumentException(
                                        prefix + "client-id is required for auth type smart")),
                        auth.keyId()
                                .orElseThrow(() -> new IllegalArgumentException(
                                        prefix + "key-id is required for auth type smart")),
                        auth.privateKeyPem(),
                        auth.privateKeyPath().map(Path::of),
                        SigningAlgorithm.valueOf(auth.algorithm().toUpperCase(Locale.ROOT)),
                        auth.scope().orElse("system/*.read"));
            default ->
                throw new IllegalArgumentException(
                        prefix + "type must be none, bearer, entra or smart, was '" + auth.type() + "'");
        };
    }
}
