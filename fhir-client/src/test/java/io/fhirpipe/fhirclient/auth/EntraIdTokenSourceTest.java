package io.fhirpipe.fhirclient.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class EntraIdTokenSourceTest {

    private static final String FHIR_BASE_URL = "https://example.fhir.azurehealthcareapis.com/";
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(60);
    private static final Duration MARGIN = Duration.ofSeconds(60);

    private final MutableClock clock = MutableClock.startingNow();
    private final RecordingCredential credential = new RecordingCredential();

    /** Stands in for Entra ID: issues a new token, valid for an hour from the test clock, per request. */
    private final class RecordingCredential implements TokenCredential {
        final List<List<String>> requestedScopes = Collections.synchronizedList(new ArrayList<>());
        final List<String> issued = Collections.synchronizedList(new ArrayList<>());
        volatile RuntimeException failure;

        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return Mono.fromCallable(() -> {
                requestedScopes.add(List.copyOf(request.getScopes()));
                if (failure != null) {
                    throw failure;
                }
                String token = "entra-token-" + issued.size();
                issued.add(token);
                return new AccessToken(
                        token, clock.instant().plus(TOKEN_LIFETIME).atOffset(ZoneOffset.UTC));
            });
        }
    }

    private AccessTokenSource source(AuthSettings.Entra settings) {
        TokenSourceOptions options =
                TokenSourceOptions.defaults().withClock(clock).withRefreshMargin(MARGIN);
        return AccessTokenSources.create(settings, FHIR_BASE_URL, options, entra -> credential);
    }

    @Test
    void requestsTheFhirServiceDefaultScopeWithoutTheTrailingSlash() {
        Optional<String> token = source(AuthSettings.Entra.withDefaults()).bearerToken();

        assertThat(token).contains("entra-token-0");
        assertThat(credential.requestedScopes)
                .containsExactly(List.of("https://example.fhir.azurehealthcareapis.com/.default"));
    }

    @Test
    void requestsAConfiguredScopeInstead() {
        source(new AuthSettings.Entra(Optional.of("api://fhir-proxy/.default"), Optional.empty()))
                .bearerToken();

        assertThat(credential.requestedScopes).containsExactly(List.of("api://fhir-proxy/.default"));
    }

    @Test
    void servesTheCachedTokenUntilExpiryMinusMarginThenRefreshes() {
        AccessTokenSource source = source(AuthSettings.Entra.withDefaults());
        source.bearerToken();

        clock.advance(TOKEN_LIFETIME.minus(MARGIN).minusSeconds(1));
        assertThat(source.bearerToken()).contains("entra-token-0");
        assertThat(credential.requestedScopes).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(source.bearerToken()).contains("entra-token-1");
        assertThat(credential.requestedScopes).hasSize(2);
    }

    @Test
    void invalidateForcesANewToken() {
        AccessTokenSource source = source(AuthSettings.Entra.withDefaults());
        source.bearerToken();

        source.invalidate();

        assertThat(source.bearerToken()).contains("entra-token-1");
    }

    @Test
    void aCredentialFailureNamesTheScope() {
        credential.failure = new IllegalStateException("EnvironmentCredential authentication unavailable");

        assertThatThrownBy(source(AuthSettings.Entra.withDefaults())::bearerToken)
                .isInstanceOf(AccessTokenException.class)
                .hasMessageContaining(
                        "Microsoft Entra ID gave no token for scope https://example.fhir.azurehealthcareapis.com/.default")
                .hasMessageContaining("EnvironmentCredential authentication unavailable");
    }

    @Test
    void hasTheTokenNowhereInToStringOrLogs() {
        try (CapturedLogs logs = new CapturedLogs()) {
            AccessTokenSource source = source(AuthSettings.Entra.withDefaults());
            source.bearerToken();
            source.invalidate();
            source.bearerToken();

            assertThat(credential.issued).containsExactly("entra-token-0", "entra-token-1");
            assertThat(logs.all()).contains("Obtained access token").doesNotContain("entra-token-");
            assertThat(source.toString()).contains(".default").doesNotContain("entra-token-");
        }
    }

    @Test
    void theDefaultScopeIgnoresAnyNumberOfTrailingSlashes() {
        assertThat(EntraIdTokenFetcher.defaultScopeFor("https://example.fhir.azurehealthcareapis.com"))
                .isEqualTo("https://example.fhir.azurehealthcareapis.com/.default");
        assertThat(EntraIdTokenFetcher.defaultScopeFor(" https://example.fhir.azurehealthcareapis.com// "))
                .isEqualTo("https://example.fhir.azurehealthcareapis.com/.default");
    }

    @Test
    void productionWiringBuildsWithoutContactingEntra() {
        // DefaultAzureCredential only looks for credentials when asked for a token; building it here
        // must neither fail nor block, with or without a user-assigned managed identity.
        AccessTokenSource systemAssigned = AccessTokenSources.create(AuthSettings.Entra.withDefaults(), FHIR_BASE_URL);
        AccessTokenSource userAssigned = AccessTokenSources.create(
                new AuthSettings.Entra(Optional.empty(), Optional.of("00000000-0000-0000-0000-000000000001")),
                FHIR_BASE_URL);

        assertThat(systemAssigned).isInstanceOf(CachingAccessTokenSource.class);
        assertThat(userAssigned.toString()).contains("https://example.fhir.azurehealthcareapis.com/.default");
    }
}
