package io.fhirpipe.testsupport.security;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Stands in for Entra ID without the network: a key pair made for the test run, whose public half
 * quarkus-oidc verifies tokens with ({@code quarkus.oidc.public-key}, instead of the tenant's
 * published keys) and whose private half is injected into the test's {@link PrivateKey} field to
 * sign tokens. It turns the token check on ({@code quarkus.oidc.tenant-enabled}, as the servicebus
 * profile does); a subclass adds what its service checks tokens against ({@link #settings()}).
 */
public abstract class EntraTestKey implements QuarkusTestResourceLifecycleManager {

    private KeyPair keys;

    /** The issuer, audience and the like this service's tokens are checked against. */
    protected abstract Map<String, String> settings();

    @Override
    public Map<String, String> start() {
        keys = rsaKeys();
        Map<String, String> config = new HashMap<>(settings());
        config.put("quarkus.oidc.tenant-enabled", "true");
        config.put(
                "quarkus.oidc.public-key",
                Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        // The JDK's PrivateKey type is the same in every class loader, unlike a type of the test's own.
        testInjector.injectIntoFields(keys.getPrivate(), new TestInjector.MatchesType(PrivateKey.class));
    }

    @Override
    public void stop() {}

    /** A new RSA key pair: also a key the service does not trust. */
    public static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is always there", e);
        }
    }
}
