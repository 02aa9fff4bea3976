package io.fhirpipe.exporttrigger.security;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Entra ID as the servicebus profile uses it, without the network: the service verifies tokens with
 * the public half of a key pair made for the test run instead of the tenant's published keys. Only
 * the key source, issuer and audience change; the permission rules stay those of
 * application.properties, switched on by {@code quarkus.oidc.tenant-enabled} as in the servicebus profile.
 */
public class LocalEntraId implements QuarkusTestResourceLifecycleManager {

    static final String ISSUER = "https://login.microsoftonline.com/00000000-0000-0000-0000-00000000f00d/v2.0";
    static final String AUDIENCE = "11111111-2222-3333-4444-555555555555";
    static final String OPERATOR = "fhirpipe.operator";
    static final String READER = "fhirpipe.reader";

    /** The test profile that turns admin security on. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalEntraId.class));
        }
    }

    private KeyPair keys;

    @Override
    public Map<String, String> start() {
        keys = rsaKeys();
        return Map.of(
                "quarkus.oidc.tenant-enabled", "true",
                "quarkus.oidc.public-key", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()),
                "quarkus.oidc.token.issuer", ISSUER,
                "quarkus.oidc.token.audience", AUDIENCE);
    }

    @Override
    public void inject(TestInjector testInjector) {
        // The JDK's PrivateKey type is the same in every class loader, unlike a type of the test's own.
        testInjector.injectIntoFields(keys.getPrivate(), new TestInjector.MatchesType(PrivateKey.class));
    }

    @Override
    public void stop() {
    }

    static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims of an Entra ID v2.0 access token for the admin API, with these app roles. */
    static JwtClaimsBuilder claims(String... roles) {
        JwtClaimsBuilder claims = Jwt.issuer(ISSUER).audience(AUDIENCE).subject("operator-object-id")
                .expiresIn(Duration.ofMinutes(5));
        if (roles.length > 0) {
            claims.claim("roles", List.of(roles));
        }
        return claims;
    }
}
