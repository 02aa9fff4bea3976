package io.fhirpipe.testsupport.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.SmallRyeConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What each profile's properties make of admin security in a service with an admin API: a service's
 * test extends it (its class path holds that service's properties) and adds its own rules' checks.
 */
public abstract class AdminSecurityProfilesContract {

    protected static final Map<String, String> ENTRA = Map.of(
            "FHIRPIPE_ENTRA_TENANT_ID", "00000000-0000-0000-0000-00000000f00d",
            "FHIRPIPE_ENTRA_CLIENT_ID", "11111111-2222-3333-4444-555555555555");

    protected SmallRyeConfig config(String profile, Map<String, String> environment) {
        return ProfileConfig.of(getClass().getClassLoader(), profile, environment);
    }

    @Test
    void locallyNoTokenIsCheckedAndTheServerBindsToLoopback() {
        for (String profile : new String[] {"prod", "local"}) {
            SmallRyeConfig config = config(profile, Map.of());
            assertEquals("127.0.0.1", config.getValue("quarkus.http.host", String.class), profile);
            assertFalse(config.getValue("quarkus.oidc.tenant-enabled", Boolean.class), profile);
            assertFalse(config.getValue("quarkus.http.auth.permission.admin.enabled", Boolean.class), profile);
            assertFalse(config.getValue("quarkus.http.auth.permission.admin-read.enabled", Boolean.class), profile);
            assertEquals(
                    Optional.empty(), config.getOptionalValue("quarkus.oidc.auth-server-url", String.class), profile);
        }
    }

    @Test
    void theServicebusProfileChecksEntraTokensOnEveryInterface() {
        SmallRyeConfig config = config("servicebus", ENTRA);
        assertEquals("0.0.0.0", config.getValue("quarkus.http.host", String.class));
        assertTrue(config.getValue("quarkus.oidc.tenant-enabled", Boolean.class));
        assertTrue(config.getValue("quarkus.http.auth.permission.admin.enabled", Boolean.class));
        assertTrue(config.getValue("quarkus.http.auth.permission.admin-read.enabled", Boolean.class));
        assertEquals(
                "https://login.microsoftonline.com/00000000-0000-0000-0000-00000000f00d/v2.0",
                config.getValue("quarkus.oidc.auth-server-url", String.class));
        assertEquals(
                "11111111-2222-3333-4444-555555555555", config.getValue("quarkus.oidc.token.audience", String.class));
        assertEquals("roles", config.getValue("quarkus.oidc.roles.role-claim-path", String.class));
        assertEquals(
                List.of("fhirpipe.operator"),
                config.getValues("quarkus.http.auth.policy.fhirpipe-operator.roles-allowed", String.class));
        assertEquals(
                List.of("fhirpipe.operator", "fhirpipe.reader"),
                config.getValues("quarkus.http.auth.policy.fhirpipe-reader.roles-allowed", String.class));
    }

    @Test
    void roleNamesComeFromTheEnvironment() {
        Map<String, String> environment = new HashMap<>(ENTRA);
        environment.put("FHIRPIPE_ENTRA_OPERATOR_ROLE", "Pipeline.Operate");
        environment.put("FHIRPIPE_ENTRA_READER_ROLE", "Pipeline.Read");
        SmallRyeConfig config = config("servicebus", environment);
        assertEquals(
                List.of("Pipeline.Operate"),
                config.getValues("quarkus.http.auth.policy.fhirpipe-operator.roles-allowed", String.class));
        assertEquals(
                List.of("Pipeline.Operate", "Pipeline.Read"),
                config.getValues("quarkus.http.auth.policy.fhirpipe-reader.roles-allowed", String.class));
    }

    @Test
    void withoutTheTenantTheServicebusProfileDoesNotStartOpen() {
        SmallRyeConfig config = config("servicebus", Map.of());
        // Quarkus reads these at startup: an unset variable stops it rather than leaving the API open.
        NoSuchElementException tenant = assertThrows(
                NoSuchElementException.class, () -> config.getValue("quarkus.oidc.auth-server-url", String.class));
        assertTrue(tenant.getMessage().contains("FHIRPIPE_ENTRA_TENANT_ID"), tenant.getMessage());
        NoSuchElementException client = assertThrows(
                NoSuchElementException.class, () -> config.getValue("quarkus.oidc.token.audience", String.class));
        assertTrue(client.getMessage().contains("FHIRPIPE_ENTRA_CLIENT_ID"), client.getMessage());
    }
}
