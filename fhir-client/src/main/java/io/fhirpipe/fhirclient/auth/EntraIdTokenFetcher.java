package io.fhirpipe.fhirclient.auth;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Clock;
import java.util.Objects;

/** Obtains tokens for one scope from Microsoft Entra ID through an azure-identity credential. */
final class EntraIdTokenFetcher implements TokenFetcher {

    private final TokenCredential credential;
    private final String scope;
    private final Clock clock;

    public EntraIdTokenFetcher(TokenCredential credential, String scope, Clock clock) {
        this.credential = Objects.requireNonNull(credential, "credential");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The scope that asks Entra ID for a token to an Azure FHIR service: its base URL as the resource,
     * with {@code /.default} for the permissions granted to the identity. A trailing slash on the
     * base URL would make the resource a different string from the registered audience.
     */
    public static String defaultScopeFor(String fhirBaseUrl) {
        return FhirBaseUrls.withoutTrailingSlash(fhirBaseUrl) + "/.default";
    }

    public String scope() {
        return scope;
    }

    @Override
    public IssuedToken fetchToken() {
        AccessToken token;
        try {
            token = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
        } catch (RuntimeException e) {
            // azure-identity's exceptions explain which credentials of the chain were tried and why
            // they failed; they carry no token.
            throw new AccessTokenException(
                    "Microsoft Entra ID gave no token for scope " + scope + ": " + e.getMessage(), e);
        }
        if (token == null || token.getToken() == null || token.getExpiresAt() == null) {
            throw new AccessTokenException("Microsoft Entra ID gave no token for scope " + scope);
        }
        return new IssuedToken(
                token.getToken(), clock.instant(), token.getExpiresAt().toInstant());
    }

    @Override
    public String toString() {
        return "EntraIdTokenFetcher[scope=" + scope + "]";
    }
}
