package io.fhirpipe.fhirclient.auth;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Builds the {@link AccessTokenSource} that {@link AuthSettings} describe, checking the settings
 * first. Nothing here contacts an identity provider: a service starts even while the provider is
 * unreachable, and the first request for a token reports the problem.
 */
public final class AccessTokenSources {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private AccessTokenSources() {}

    /**
     * @param fhirBaseUrl the server's base URL; Entra derives its default scope from it and SMART
     *     discovers its token endpoint under it
     * @throws InvalidAuthSettingsException naming the setting that is missing or unusable
     */
    public static AccessTokenSource create(AuthSettings settings, String fhirBaseUrl) {
        return create(settings, fhirBaseUrl, TokenSourceOptions.defaults());
    }

    /** @throws InvalidAuthSettingsException naming the setting that is missing or unusable */
    public static AccessTokenSource create(AuthSettings settings, String fhirBaseUrl, TokenSourceOptions options) {
        return create(settings, fhirBaseUrl, options, AccessTokenSources::defaultAzureCredential);
    }

    /** The seam for tests: every other way in uses azure-identity's default credential chain. */
    static AccessTokenSource create(
            AuthSettings settings,
            String fhirBaseUrl,
            TokenSourceOptions options,
            Function<AuthSettings.Entra, TokenCredential> entraCredentials) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(options, "options");
        if (settings instanceof AuthSettings.None) {
            return new NoAuthentication();
        }
        if (settings instanceof AuthSettings.Bearer bearer) {
            return staticBearer(bearer);
        }
        if (settings instanceof AuthSettings.Entra entra) {
            return entra(entra, fhirBaseUrl, options, entraCredentials);
        }
        if (settings instanceof AuthSettings.Smart smart) {
            return smart(smart, fhirBaseUrl, options);
        }
        throw new IllegalArgumentException("unknown kind of authentication settings: " + settings.kind());
    }

    private static AccessTokenSource staticBearer(AuthSettings.Bearer bearer) {
        if (isBlank(bearer.token())) {
            throw new InvalidAuthSettingsException(bearer.kind(), "token", "is missing");
        }
        return new StaticBearerTokenSource(bearer.token().strip());
    }

    private static AccessTokenSource entra(
            AuthSettings.Entra entra,
            String fhirBaseUrl,
            TokenSourceOptions options,
            Function<AuthSettings.Entra, TokenCredential> entraCredentials) {
        String scope = entra.scope().orElseGet(() -> {
            requireBaseUrl(entra.kind(), fhirBaseUrl, "is needed to derive the default scope when no scope is set");
            return EntraIdTokenFetcher.defaultScopeFor(fhirBaseUrl);
        });
        EntraIdTokenFetcher fetcher = new EntraIdTokenFetcher(entraCredentials.apply(entra), scope, options.clock());
        return new CachingAccessTokenSource(
                fetcher, "Microsoft Entra ID (scope " + scope + ")", options.refreshMargin(), options.clock());
    }

    private static TokenCredential defaultAzureCredential(AuthSettings.Entra entra) {
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder();
        entra.managedIdentityClientId().ifPresent(builder::managedIdentityClientId);
        return builder.build();
    }

    private static AccessTokenSource smart(AuthSettings.Smart smart, String fhirBaseUrl, TokenSourceOptions options) {
        String kind = smart.kind();
        if (isBlank(smart.clientId())) {
            throw new InvalidAuthSettingsException(kind, "clientId", "is missing");
        }
        if (isBlank(smart.keyId())) {
            throw new InvalidAuthSettingsException(kind, "keyId", "is missing");
        }
        if (smart.algorithm() == null) {
            throw new InvalidAuthSettingsException(kind, "algorithm", "is missing; use RS384 or ES384");
        }
        if (isBlank(smart.scope())) {
            throw new InvalidAuthSettingsException(kind, "scope", "is missing, e.g. system/*.read");
        }
        smart.tokenUrl().ifPresent(url -> requireHttpUrl(kind, "tokenUrl", url));
        if (smart.tokenUrl().isEmpty()) {
            requireBaseUrl(kind, fhirBaseUrl, "is needed to discover the token endpoint when no tokenUrl is set");
        }

        PrivateKey privateKey = privateKey(smart);
        SmartClientAssertionSigner signer;
        try {
            signer = new SmartClientAssertionSigner(
                    smart.clientId().strip(), smart.keyId().strip(), smart.algorithm(), privateKey, options.clock());
        } catch (IllegalArgumentException e) {
            throw new InvalidAuthSettingsException(
                    kind, keySetting(smart), "does not suit algorithm " + smart.algorithm() + ": " + e.getMessage(), e);
        }

        HttpClient httpClient = options.httpClient()
                .orElseGet(() ->
                        HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build());
        Supplier<URI> tokenEndpoint = smart.tokenUrl()
                .<Supplier<URI>>map(url -> () -> url)
                .orElseGet(() -> new SmartConfigurationDiscovery(httpClient, fhirBaseUrl, options.requestTimeout()));
        SmartBackendServicesTokenFetcher fetcher = new SmartBackendServicesTokenFetcher(
                httpClient, tokenEndpoint, signer, smart.scope().strip(), options.clock(), options.requestTimeout());
        String description = "SMART token endpoint "
                + smart.tokenUrl().map(URI::toString).orElse("discovered from " + fhirBaseUrl)
                + " (client " + smart.clientId().strip() + ")";
        return new CachingAccessTokenSource(fetcher, description, options.refreshMargin(), options.clock());
    }

    private static PrivateKey privateKey(AuthSettings.Smart smart) {
        String kind = smart.kind();
        if (smart.privateKeyPem().isPresent() && smart.privateKeyPath().isPresent()) {
            throw new InvalidAuthSettingsException(
                    kind, "privateKeyPem", "and privateKeyPath are both set; set only one");
        }
        String setting = keySetting(smart);
        String pem = smart.privateKeyPem()
                .orElseGet(() -> smart.privateKeyPath()
                        .map(path -> readKeyFile(kind, path))
                        .orElseThrow(() -> new InvalidAuthSettingsException(
                                kind, "privateKeyPem", "is missing (or set privateKeyPath)")));
        try {
            return Pkcs8PrivateKeys.parse(pem, smart.algorithm().keyAlgorithm());
        } catch (IllegalArgumentException e) {
            throw new InvalidAuthSettingsException(
                    kind, setting, "holds no usable key for " + smart.algorithm() + ": " + e.getMessage(), e);
        }
    }

    private static String keySetting(AuthSettings.Smart smart) {
        return smart.privateKeyPem().isPresent() ? "privateKeyPem" : "privateKeyPath";
    }

    private static String readKeyFile(String kind, Path path) {
        try {
            return Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new InvalidAuthSettingsException(kind, "privateKeyPath", "cannot be read: " + e, e);
        }
    }

    private static void requireBaseUrl(String kind, String fhirBaseUrl, String why) {
        if (isBlank(fhirBaseUrl)) {
            throw new InvalidAuthSettingsException(kind, "fhirBaseUrl", why);
        }
        URI uri;
        try {
            uri = URI.create(FhirBaseUrls.withoutTrailingSlash(fhirBaseUrl));
        } catch (IllegalArgumentException e) {
            throw new InvalidAuthSettingsException(kind, "fhirBaseUrl", "is not a URL: " + fhirBaseUrl, e);
        }
        requireHttpUrl(kind, "fhirBaseUrl", uri);
    }

    private static void requireHttpUrl(String kind, String setting, URI url) {
        String scheme = Optional.ofNullable(url.getScheme()).orElse("");
        if (!(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http")) || url.getHost() == null) {
            throw new InvalidAuthSettingsException(kind, setting, "is not an absolute http(s) URL: " + url);
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
