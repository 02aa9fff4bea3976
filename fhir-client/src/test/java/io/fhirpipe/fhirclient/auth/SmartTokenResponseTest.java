package io.fhirpipe.fhirclient.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmartTokenResponseTest {

    @Test
    void readsAllFields() {
        SmartTokenResponse response = SmartTokenResponse.parse(
                "{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"scope\":\"system/*.read\"}");

        assertThat(response.accessToken()).isEqualTo("abc");
        assertThat(response.isBearer()).isTrue();
        assertThat(response.expiresIn()).contains(Duration.ofHours(1));
        assertThat(response.scope()).contains("system/*.read");
    }

    @Test
    void acceptsExpiresInAsAStringAndToleratesItsAbsence() {
        assertThat(SmartTokenResponse.parse("{\"access_token\":\"a\",\"token_type\":\"bearer\",\"expires_in\":\"300\"}")
                        .expiresIn())
                .contains(Duration.ofSeconds(300));
        assertThat(SmartTokenResponse.parse("{\"access_token\":\"a\",\"token_type\":\"bearer\"}")
                        .expiresIn())
                .isEmpty();
    }

    @Test
    void refusesMalformedBodiesWithoutQuotingThem() {
        assertThatThrownBy(() -> SmartTokenResponse.parse("{\"access_token\":\"secret-abc\"}"))
                .hasMessage("the body has no token_type");
        assertThatThrownBy(() -> SmartTokenResponse.parse("access_token=secret-abc&token_type=bearer"))
                .hasMessage("the body is not JSON");
        assertThatThrownBy(() -> SmartTokenResponse.parse(
                        "{\"access_token\":\"secret-abc\",\"token_type\":\"bearer\",\"expires_in\":\"soon\"}"))
                .hasMessage("expires_in is not a whole number of seconds");
    }

    @Test
    void toStringHidesTheToken() {
        SmartTokenResponse response =
                new SmartTokenResponse("secret-abc", "bearer", Optional.of(Duration.ofSeconds(5)), Optional.empty());

        assertThat(response.toString()).doesNotContain("secret-abc").contains("accessToken=<redacted>", "PT5S");
        assertThat(new IssuedToken("secret-abc", Instant.EPOCH, Instant.EPOCH).toString())
                .doesNotContain("secret-abc");
    }

    @Test
    void oauthErrorsAreReadWhenPresentAndOnlyThen() {
        assertThat(OAuthErrorResponse.parse("{\"error\":\"invalid_client\",\"error_description\":\"unknown kid\"}"))
                .map(OAuthErrorResponse::summary)
                .contains("invalid_client (unknown kid)");
        assertThat(OAuthErrorResponse.parse("{\"error\":\"invalid_scope\"}"))
                .map(OAuthErrorResponse::summary)
                .contains("invalid_scope");
        assertThat(OAuthErrorResponse.parse("<html>502</html>")).isEmpty();
        assertThat(OAuthErrorResponse.parse("{\"message\":\"nope\"}")).isEmpty();
    }
}
