package io.fhirpipe.ndjsonsplitter;

import io.fhirpipe.testsupport.security.EntraTestKey;
import java.util.Map;

/**
 * The webhook's Entra ID with a key made for the run ({@link EntraTestKey}). Only the tenant and
 * audience are set here; issuer, audience check and role claim come from application.properties as
 * deployed.
 */
public class LocalEntraKeys extends EntraTestKey {

    public static final String TENANT = "6f1b1a2e-0000-4000-8000-00000000feed";
    public static final String AUDIENCE = "api://fhirpipe-webhook-test";
    /** The issuer of Entra's v1 access tokens, which app registrations issue by default. */
    public static final String ISSUER = "https://sts.windows.net/" + TENANT + "/";

    public static final String ROLE = "AzureEventGridSecureWebhookSubscriber";
    /** Microsoft.EventGrid's first-party application id: the appid of its tokens. */
    public static final String EVENT_GRID_APP_ID = "4962773b-9cdb-44cf-a8bf-237846a00ab7";

    @Override
    protected Map<String, String> settings() {
        return Map.of(
                "fhirpipe.splitter.webhook.entra.required",
                "true",
                "fhirpipe.splitter.webhook.entra.tenant-id",
                TENANT,
                "fhirpipe.splitter.webhook.entra.audience",
                AUDIENCE,
                // no discovery at Entra (the key replaces its key set)
                "quarkus.oidc.auth-server-url",
                "");
    }
}
