package io.fhirpipe.fhirclient.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaticAndNoAuthenticationTest {

    private static final String TOKEN = "static-secret-token-4711";

    @Test
    void noneSendsNoToken() {
        AccessTokenSource source = AccessTokenSources.create(new AuthSettings.None(), "https://fhir.example.org");

        assertThat(source.bearerToken()).isEmpty();
        source.invalidate();
        assertThat(source.bearerToken()).isEmpty();
    }

    @Test
    void bearerSendsTheConfiguredTokenWithoutSurroundingWhitespace() {
        AccessTokenSource source =
                AccessTokenSources.create(new AuthSettings.Bearer("  " + TOKEN + "\n"), "https://fhir.example.org");

        assertThat(source.bearerToken()).contains(TOKEN);
    }

    @Test
    void bearerKeepsItsTokenAfterInvalidate() {
        AccessTokenSource source =
                AccessTokenSources.create(new AuthSettings.Bearer(TOKEN), "https://fhir.example.org");

        source.invalidate();

        assertThat(source.bearerToken()).contains(TOKEN);
    }

    @Test
    void bearerNeedsNoBaseUrl() {
        assertThat(AccessTokenSources.create(new AuthSettings.Bearer(TOKEN), null)
                        .bearerToken())
                .contains(TOKEN);
    }

    @Test
    void theTokenIsNotInToString() {
        AccessTokenSource source =
                AccessTokenSources.create(new AuthSettings.Bearer(TOKEN), "https://fhir.example.org");

        assertThat(source.toString()).isEqualTo("StaticBearerTokenSource[token=<redacted>]");
        assertThat(new AuthSettings.Bearer(TOKEN).toString()).isEqualTo("Bearer[token=<redacted>]");
        assertThat(new AuthSettings.Bearer(null).toString()).isEqualTo("Bearer[token=<absent>]");
    }
}
