package io.fhirpipe.testsupport.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entra ID as the admin API's servicebus profile uses it (pipeline-runtime's
 * fhirpipe-admin-security.properties), with a local key ({@link EntraTestKey}). Only the key source,
 * issuer and audience change; the permission rules stay the deployed ones, switched on by
 * {@code quarkus.oidc.tenant-enabled} as in the servicebus profile.
 */
public class AdminEntraId extends EntraTestKey {

    public static final String ISSUER = "https://login.microsoftonline.com/00000000-0000-0000-0000-00000000f00d/v2.0";
    public static final String AUDIENCE = "11111111-2222-3333-4444-555555555555";
    public static final String OPERATOR = "fhirpipe.operator";
    public static final String READER = "fhirpipe.reader";

    /** The test profile that turns admin security on. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(AdminEntraId.class));
        }
    }

    @Override
    protected Map<String, String> settings() {
        return Map.of("quarkus.oidc.token.issuer", ISSUER, "quarkus.oidc.token.audience", AUDIENCE);
    }

    /**
     * The claims of an Entra ID v2.0 access token for the admin API, with these app roles, for the
     * service's token builder ({@code Jwt.claims(map)}, where smallrye-jwt-build is).
     */
    public static Map<String, Object> tokenClaims(String... roles) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("sub", "operator-object-id");
        claims.put("exp", Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond());
        if (roles.length > 0) {
            claims.put("roles", List.of(roles));
        }
        return claims;
    }
}
