package io.fhirpipe.ndjsonsplitter.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The Event Grid webhook: whether it answers, its limits and who may call it. */
@ConfigMapping(prefix = "fhirpipe.splitter.webhook")
public interface WebhookConfig {

    /** Off, the path answers 404 as if it did not exist (the default of profile servicebus). */
    @WithDefault("true")
    boolean enabled();

    /** 64 KiB hold about forty BlobCreated events in either schema. */
    @WithDefault("65536")
    int maxBodyBytes();

    /**
     * How long a request waits for the broker to take its events. Event Grid gives up on a request
     * after 30 s and sends it again, so this stays well below that.
     */
    @WithDefault("10s")
    Duration publishTimeout();

    Entra entra();

    /**
     * Event Grid's secure webhook delivery: Event Grid sends an Entra ID access token issued for the
     * webhook's app registration. quarkus-oidc checks its signature, issuer and audience (the
     * {@code quarkus.oidc.*} keys); the app role and calling client are checked here.
     */
    interface Entra {

        /** Every POST must carry a valid token (profile servicebus: always). */
        @WithDefault("false")
        boolean required();

        /** The tenant of the app registration; only to refuse a start-up with the token check half configured. */
        Optional<String> tenantId();

        /** The Application ID URI (or client id) of the app registration: the token's {@code aud}. */
        Optional<String> audience();

        /**
         * The app role the token must carry in {@code roles}: the one Microsoft's set-up scripts create
         * on the app registration and assign to Event Grid's service principal.
         */
        @WithDefault("AzureEventGridSecureWebhookSubscriber")
        String role();

        /** When set, the token's {@code azp} (v2) or {@code appid} (v1) must be one of these client ids. */
        Optional<List<String>> clientIds();
    }
}
