package io.fhirpipe.fhirclient.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.fhirclient.auth.AuthSettings;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthSettingsFromConfigTest {

    @Test
    void eachAuthTypeBecomesItsSettings() {
        assertThat(AuthSettingsFromConfig.of("s", auth("none"))).isInstanceOf(AuthSettings.None.class);
        assertThat(AuthSettingsFromConfig.of("s", auth("entra"))).isInstanceOf(AuthSettings.Entra.class);
        assertThat(AuthSettingsFromConfig.of("s", new Auth("bearer", Optional.of("t"))))
                .isEqualTo(new AuthSettings.Bearer("t"));
    }

    @Test
    void aMissingSettingIsNamedByItsPropertyWithoutEchoingSecrets() {
        assertThatThrownBy(() -> AuthSettingsFromConfig.of("ahds", auth("bearer")))
                .hasMessage("fhirpipe.servers.ahds.auth.token is required for auth type bearer");
        assertThatThrownBy(() -> AuthSettingsFromConfig.of("p", auth("smart")))
                .hasMessage("fhirpipe.servers.p.auth.client-id is required for auth type smart");
        assertThatThrownBy(() -> AuthSettingsFromConfig.of("p", auth("basic")))
                .hasMessage("fhirpipe.servers.p.auth.type must be none, bearer, entra or smart, was 'basic'");
    }

    private static Auth auth(String type) {
        return new Auth(type, Optional.empty());
    }

    /** Configuration as Quarkus would map it, for the settings these tests touch. */
    private record Auth(String type, Optional<String> token) implements FhirServerAuthConfig {
        @Override
        public Optional<String> scope() {
            return Optional.empty();
        }

        @Override
        public Optional<String> managedIdentityClientId() {
            return Optional.empty();
        }

        @Override
        public Optional<String> tokenUrl() {
            return Optional.empty();
        }

        @Override
        public Optional<String> clientId() {
            return Optional.empty();
        }

        @Override
        public Optional<String> keyId() {
            return Optional.empty();
        }

        @Override
        public Optional<String> privateKeyPem() {
            return Optional.empty();
        }

        @Override
        public Optional<String> privateKeyPath() {
            return Optional.empty();
        }

        @Override
        public String algorithm() {
            return "RS384";
        }
    }
}
