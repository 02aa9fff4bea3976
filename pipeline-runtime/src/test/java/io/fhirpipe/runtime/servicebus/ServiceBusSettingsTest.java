package io.fhirpipe.runtime.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one client's configuration: exactly one way in, mistakes named, the key never shown. */
class ServiceBusSettingsTest {

    static final String KEY = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";
    static final String CONNECTION_STRING = "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;"
            + "SharedAccessKey=" + KEY + ";UseDevelopmentEmulator=true;";

    static ServiceBusSettings from(Map<String, String> config) {
        return ServiceBusSettings.from(key -> Optional.ofNullable(config.get(key)));
    }

    @Test
    void aNamespaceUsesDefaultAzureCredential() {
        ServiceBusSettings settings = from(Map.of(
                ServiceBusSettings.NAMESPACE,
                "fhirpipe.servicebus.windows.net",
                ServiceBusSettings.MANAGED_IDENTITY_CLIENT_ID,
                "11111111-2222-3333-4444-555555555555"));
        assertThat(settings.namespace()).isEqualTo("fhirpipe.servicebus.windows.net");
        assertThat(settings.connectionString()).isNull();
        assertThat(settings.describe())
                .contains(
                        "fhirpipe.servicebus.windows.net",
                        "DefaultAzureCredential",
                        "11111111-2222-3333-4444-555555555555");
    }

    @Test
    void aConnectionStringIsNeverShown() {
        ServiceBusSettings settings = from(
                Map.of(ServiceBusSettings.CONNECTION_STRING, CONNECTION_STRING, ServiceBusSettings.NAMESPACE, " "));
        assertThat(settings.connectionString()).isEqualTo(CONNECTION_STRING);
        assertThat(settings.describe()).isEqualTo("sb://localhost (connection string)");
        assertThat(settings.toString()).doesNotContain(KEY).doesNotContain("SharedAccessKey=");
    }

    @Test
    void neitherOrBothAreRefusedNamingTheProperties() {
        assertThatThrownBy(() -> from(Map.of()))
                .hasMessageContaining(ServiceBusSettings.NAMESPACE)
                .hasMessageContaining(ServiceBusSettings.CONNECTION_STRING);
        assertThatThrownBy(() -> from(Map.of(
                        ServiceBusSettings.NAMESPACE,
                        "a.servicebus.windows.net",
                        ServiceBusSettings.CONNECTION_STRING,
                        CONNECTION_STRING)))
                .hasMessageContaining("only one of")
                .message()
                .doesNotContain(KEY);
    }

    @Test
    void mistakesAreNamedWithoutEchoingSecrets() {
        assertThatThrownBy(() -> from(Map.of(ServiceBusSettings.NAMESPACE, CONNECTION_STRING)))
                .hasMessageContaining(ServiceBusSettings.NAMESPACE)
                .hasMessageContaining("not a connection string")
                .message()
                .doesNotContain(KEY);
        assertThatThrownBy(() -> from(Map.of(ServiceBusSettings.NAMESPACE, "sb://a.servicebus.windows.net/")))
                .hasMessageContaining("no scheme");
        assertThatThrownBy(() -> from(Map.of(ServiceBusSettings.NAMESPACE, "fhirpipe")))
                .hasMessageContaining("fully qualified");
        assertThatThrownBy(() -> from(Map.of(ServiceBusSettings.CONNECTION_STRING, KEY)))
                .hasMessageContaining(ServiceBusSettings.CONNECTION_STRING)
                .message()
                .doesNotContain(KEY);
        assertThatThrownBy(() -> from(Map.of(
                        ServiceBusSettings.CONNECTION_STRING,
                        CONNECTION_STRING,
                        ServiceBusSettings.MANAGED_IDENTITY_CLIENT_ID,
                        "id")))
                .hasMessageContaining(ServiceBusSettings.MANAGED_IDENTITY_CLIENT_ID)
                .message()
                .doesNotContain(KEY);
    }
}
