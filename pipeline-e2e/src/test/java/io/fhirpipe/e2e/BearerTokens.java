package io.fhirpipe.e2e;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Tokens for one scope from a TokenCredential (DefaultAzureCredential in the live test), reused until
 * five minutes before they expire: the test polls every few seconds for up to half an hour, and
 * DefaultAzureCredential's developer credentials (Azure CLI) start a process per token.
 */
final class BearerTokens implements Supplier<String> {

    static final Duration MARGIN = Duration.ofMinutes(5);

    private final TokenCredential credential;
    private final String scope;
    private final Clock clock;
    private AccessToken current;

    BearerTokens(TokenCredential credential, String scope, Clock clock) {
        this.credential = credential;
        this.scope = scope;
        this.clock = clock;
    }

    @Override
    public synchronized String get() {
        if (current == null
                || !clock.instant().plus(MARGIN).isBefore(current.getExpiresAt().toInstant())) {
            current = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
            if (current == null) {
                throw new IllegalStateException("no Entra token for " + scope);
            }
        }
        return current.getToken();
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "BearerTokens[" + scope + "]";
    }
}
