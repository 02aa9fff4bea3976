package io.fhirpipe.ndjsonsplitter.webhook;

import io.fhirpipe.runtime.logging.LogValues;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Who may use the webhook. Off, it answers 404. With {@code entra.required}, a POST needs the Entra ID
 * token of Event Grid's secure webhook delivery: quarkus-oidc has already refused (401) a token with a
 * bad signature, issuer, audience or expiry before the request gets here, so what is left is a request
 * with no token (401), or a token without the app role or from another client (403).
 */
@ApplicationScoped
class WebhookAccess {

    private static final Logger LOG = Logger.getLogger(WebhookAccess.class);

    @Inject
    WebhookConfig config;

    @Inject
    SecurityIdentity identity;

    /** quarkus-oidc's default tenant, which verifies the tokens. */
    @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "true")
    boolean oidcOn;

    /** A webhook that should check tokens but cannot must not come up open. */
    void checkConfiguration(@Observes StartupEvent start) {
        if (!config.enabled()) {
            LOG.info("Event Grid webhook off: POST /events/blob-created answers 404");
            return;
        }
        WebhookConfig.Entra entra = config.entra();
        if (!entra.required()) {
            LOG.info("Event Grid webhook on without a token check (for loopback / local use only)");
            return;
        }
        if (!oidcOn || blank(entra.tenantId()) || blank(entra.audience())) {
            throw new IllegalStateException("the Event Grid webhook is on and must check Entra ID tokens, but "
                    + "fhirpipe.splitter.webhook.entra.tenant-id (FHIRPIPE_ENTRA_TENANT_ID), "
                    + "fhirpipe.splitter.webhook.entra.audience (FHIRPIPE_EVENTGRID_WEBHOOK_AUDIENCE) and "
                    + "quarkus.oidc.tenant-enabled are not all set; set them or turn the webhook off "
                    + "(FHIRPIPE_EVENTGRID_WEBHOOK_ENABLED=false)");
        }
        LOG.infof(
                "Event Grid webhook on: Entra ID tokens for audience %s with app role %s",
                entra.audience().get(), entra.role());
    }

    /** @return the refusal, or null when the request may go on */
    Response refuse(boolean post) {
        if (!config.enabled()) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        if (!post || !config.entra().required()) {
            // The OPTIONS handshake only echoes consent (CloudEvents: it is no authorization context).
            return null;
        }
        if (identity.isAnonymous()) {
            return Response.fromResponse(EventGridWebhook.problem(
                            401,
                            "unauthorized",
                            "No token",
                            "an Entra ID bearer token for this webhook is required",
                            null))
                    .header("WWW-Authenticate", "Bearer")
                    .build();
        }
        String role = config.entra().role();
        if (!identity.hasRole(role)) {
            LOG.warnf(
                    "webhook call refused: the token of client %s lacks the app role %s",
                    LogValues.quoted(caller()), role);
            return EventGridWebhook.problem(
                    403, "forbidden", "Not allowed", "the token does not carry the app role " + role, null);
        }
        Optional<List<String>> clients = config.entra().clientIds();
        if (clients.isPresent() && !clients.get().contains(caller())) {
            LOG.warnf("webhook call refused: client %s is not among the allowed ones", LogValues.quoted(caller()));
            return EventGridWebhook.problem(403, "forbidden", "Not allowed", "the token's client is not allowed", null);
        }
        return null;
    }

    /** The calling application's client id (never the token): {@code azp} in v2 tokens, {@code appid} in v1. */
    private String caller() {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            String azp = jwt.getClaim("azp");
            return azp != null ? azp : jwt.getClaim("appid");
        }
        return null;
    }

    private static boolean blank(Optional<String> value) {
        return value.isEmpty() || value.get().isBlank();
    }
}
