package io.fhirpipe.exporttrigger.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fhirpipe.model.messages.Json;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;

/**
 * With admin security on (README, Admin security), the 401 and 403 of the HTTP permission rules are
 * problems like every other 4xx of the admin API. A request without a token gets the challenge of the
 * highest-priority mechanism that gives one: this one, ahead of OIDC's bare
 * {@code WWW-Authenticate: Bearer}, gives the same header with a problem body. A rejected token or a
 * missing role fails the request instead, and {@link #refusals} answers those. This mechanism
 * authenticates nobody, so tokens stay OIDC's to verify, and nothing here acts while the rules are off.
 */
@ApplicationScoped
class AuthProblems implements HttpAuthenticationMechanism {

    private static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    private static final String CHALLENGE = "Bearer";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, WWW_AUTHENTICATE, CHALLENGE));
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        if (!context.response().ended()) {
            context.response().putHeader(WWW_AUTHENTICATE, CHALLENGE);
            answer(
                    context,
                    Problem.of("unauthorized", "Unauthorized", 401, "a valid Entra ID bearer token is required"));
        }
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    /** Ahead of OIDC's mechanism (quarkus.oidc.priority, 1001), whose challenge would otherwise answer first. */
    @Override
    public int getPriority() {
        return 2000;
    }

    /**
     * A token OIDC rejects (signature, issuer, audience, expiry) fails the request with
     * AuthenticationFailedException; a valid token without the role the path needs, with ForbiddenException.
     */
    void refusals(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(context -> {
            Throwable failure = context.failure();
            if (context.response().ended()) {
                context.next();
            } else if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException) {
                context.response().putHeader(WWW_AUTHENTICATE, CHALLENGE + " error=\"invalid_token\"");
                answer(
                        context,
                        Problem.of(
                                "unauthorized", "Unauthorized", 401, "the bearer token is not valid for this service"));
            } else if (failure instanceof ForbiddenException) {
                answer(
                        context,
                        Problem.of("forbidden", "Forbidden", 403, "the token lacks the app role this request needs"));
            } else {
                context.next();
            }
        });
    }

    private static void answer(RoutingContext context, Problem problem) {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem body cannot be written", e);
        }
        context.response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Buffer.buffer(body));
    }
}
