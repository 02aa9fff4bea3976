package io.fhirpipe.synapseloader.security;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.util.Map;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What each profile's properties files make of admin security, read the way Quarkus layers them
 * (application.properties, then application-&lt;profile&gt;.properties over it).
 */
class SecurityProfilesTest {

    private static final Map<String, String> ENTRA = Map.of(
            "FHIRPIPE_ENTRA_TENANT_ID", "00000000-0000-0000-0000-00000000f00d",
            "FHIRPIPE_ENTRA_CLIENT_ID", "11111111-2222-3333-4444-555555555555");

    static SmallRyeConfig config(String profile, Map<String, String> environment) throws IOException {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultInterceptors().withProfile(profile)
                .withSources(new PropertiesConfigSource(resource("application.properties"), 250))
                .withSources(new PropertiesConfigSource(environment, "environment", 300));
        URL profileFile = SecurityProfilesTest.class.getClassLoader().getResource("application-" + profile + ".properties");
        if (profileFile != null) {
            builder.withSources(new PropertiesConfigSource(profileFile, 260));
        }
        return builder.build();
    }

    private static URL resource(String name) {
        URL url = SecurityProfilesTest.class.getClassLoader().getResource(name);
        assertThat(url).as(name).isNotNull();
        return url;
    }

    @Test
    void locallyNoTokenIsCheckedAndTheServerBindsToLoopback() throws IOException {
        for (String profile : new String[] {"prod", "local"}) {
            SmallRyeConfig config = config(profile, Map.of());
            assertThat(config.getValue("quarkus.http.host", String.class)).as(profile).isEqualTo("127.0.0.1");
            assertThat(config.getValue("quarkus.oidc.tenant-enabled", Boolean.class)).as(profile).isFalse();
            assertThat(config.getValue("quarkus.http.auth.permission.admin.enabled", Boolean.class)).as(profile).isFalse();
            assertThat(config.getValue("quarkus.http.auth.permission.admin-read.enabled", Boolean.class)).as(profile)
                    .isFalse();
            assertThat(config.getOptionalValue("quarkus.oidc.auth-server-url", String.class)).as(profile).isEmpty();
        }
    }

    @Test
    void theServicebusProfileChecksEntraTokensOnEveryInterface() throws IOException {
        SmallRyeConfig config = config("servicebus", ENTRA);
        assertThat(config.getValue("quarkus.http.host", String.class)).isEqualTo("0.0.0.0");
        assertThat(config.getValue("quarkus.oidc.tenant-enabled", Boolean.class)).isTrue();
        assertThat(config.getValue("quarkus.http.auth.permission.admin.enabled", Boolean.class)).isTrue();
        assertThat(config.getValue("quarkus.http.auth.permission.admin-read.enabled", Boolean.class)).isTrue();
        assertThat(config.getValue("quarkus.oidc.auth-server-url", String.class))
                .isEqualTo("https://login.microsoftonline.com/00000000-0000-0000-0000-00000000f00d/v2.0");
        assertThat(config.getValue("quarkus.oidc.token.audience", String.class))
                .isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(config.getValue("quarkus.oidc.roles.role-claim-path", String.class)).isEqualTo("roles");
        assertThat(config.getValues("quarkus.http.auth.policy.fhirpipe-operator.roles-allowed", String.class))
                .containsExactly("fhirpipe.operator");
        assertThat(config.getValues("quarkus.http.auth.policy.fhirpipe-reader.roles-allowed", String.class))
                .containsExactly("fhirpipe.operator", "fhirpipe.reader");
    }

    @Test
    void roleNamesComeFromTheEnvironment() throws IOException {
        Map<String, String> environment = new java.util.HashMap<>(ENTRA);
        environment.put("FHIRPIPE_ENTRA_OPERATOR_ROLE", "Pipeline.Operate");
        environment.put("FHIRPIPE_ENTRA_READER_ROLE", "Pipeline.Read");
        SmallRyeConfig config = config("servicebus", environment);
        assertThat(config.getValues("quarkus.http.auth.policy.fhirpipe-operator.roles-allowed", String.class))
                .containsExactly("Pipeline.Operate");
        assertThat(config.getValues("quarkus.http.auth.policy.fhirpipe-reader.roles-allowed", String.class))
                .containsExactly("Pipeline.Operate", "Pipeline.Read");
    }

    @Test
    void withoutTheTenantTheServicebusProfileDoesNotStartOpen() throws IOException {
        SmallRyeConfig config = config("servicebus", Map.of());
        // Quarkus reads these at startup: an unset variable stops it rather than leaving the API open.
        assertThatThrownBy(() -> config.getValue("quarkus.oidc.auth-server-url", String.class))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining("FHIRPIPE_ENTRA_TENANT_ID");
        assertThatThrownBy(() -> config.getValue("quarkus.oidc.token.audience", String.class))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining("FHIRPIPE_ENTRA_CLIENT_ID");
    }
}
