package io.fhirpipe.ndjsonsplitter;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Map;

/**
 * Stands in for Entra ID: a key pair made for the run, whose public key quarkus-oidc verifies
 * tokens with ({@code quarkus.oidc.public-key}: no connection to an identity provider) and whose
 * private key is injected into the test to sign tokens. Only the tenant, audience and key are set
 * here; issuer, audience check and role claim come from application.properties as deployed.
 */
public class LocalEntraKeys implements QuarkusTestResourceLifecycleManager {

    public static final String TENANT = "6f1b1a2e-0000-4000-8000-00000000feed";
    public static final String AUDIENCE = "api://fhirpipe-webhook-test";
    /** The issuer of Entra's v1 access tokens, which app registrations issue by default. */
    public static final String ISSUER = "https://sts.windows.net/" + TENANT + "/";
    public static final String ROLE = "AzureEventGridSecureWebhookSubscriber";
    /** Microsoft.EventGrid's first-party application id: the appid of its tokens. */
    public static final String EVENT_GRID_APP_ID = "4962773b-9cdb-44cf-a8bf-237846a00ab7";

    private KeyPair keys;

    @Override
    public Map<String, String> start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is always there", e);
        }
        return Map.of(
                "fhirpipe.splitter.webhook.entra.required", "true",
                "fhirpipe.splitter.webhook.entra.tenant-id", TENANT,
                "fhirpipe.splitter.webhook.entra.audience", AUDIENCE,
                "quarkus.oidc.tenant-enabled", "true",
                // no discovery at Entra (the key below replaces its key set)
                "quarkus.oidc.auth-server-url", "",
                "quarkus.oidc.public-key", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(keys.getPrivate(), new TestInjector.MatchesType(PrivateKey.class));
    }

    @Override
    public void stop() {
    }
}
