package io.fhirpipe.exporttrigger.api;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.model.messages.Json;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Refuses what the admin API never needs before any of it is read: a body over
 * {@code fhirpipe.api.max-body-size} (413), a body without a Content-Length (411, so the size is
 * known up front: chunked, or an HTTP/2 POST/PUT/PATCH with a Content-Type and no length),
 * and answers a path nothing serves with a 404 problem. Quarkus' own
 * {@code quarkus.http.limits.max-body-size} is set to the same size behind this, as a backstop.
 */
@ApplicationScoped
class RequestLimits {

    /** Before authentication, routing and body handling. */
    private static final int PRIORITY = 1_000_000;

    @Inject
    TriggerConfig config;

    void limits(@Observes Filters filters) {
        long max = config.api().maxBodySize().asLongValue();
        filters.register(ctx -> check(ctx, max), PRIORITY);
    }

    void notFound(@Observes Router router) {
        // The last route: reached only when no resource and no Quarkus endpoint (/q/...) served the path.
        router.route().order(Integer.MAX_VALUE).handler(ctx -> answer(ctx, ProblemMappers.forStatus(404)));
    }

    private static void check(RoutingContext ctx, long max) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long bytes;
            try {
                bytes = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                bytes = -1;
            }
            if (bytes < 0) {
                answer(ctx, Problem.of("bad-request", "Bad request", 400, "the Content-Length is not a number"));
                return;
            }
            if (bytes > max) {
                answer(ctx, Problem.of("payload-too-large", "Payload too large", 413,
                        "the request body is larger than " + max + " bytes"));
                return;
            }
        } else if (ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING) || streamedHttp2Body(ctx)) {
            // A body of unknown length: its size would only show while reading it.
            answer(ctx, ProblemMappers.forStatus(411));
            return;
        }
        ctx.next();
    }

    /**
     * HTTP/1.1 has a body only with a Content-Length or a Transfer-Encoding; HTTP/2 may send one
     * with neither, so a POST/PUT/PATCH naming a Content-Type is taken to have one.
     */
    private static boolean streamedHttp2Body(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        return ctx.request().version() == HttpVersion.HTTP_2
                && (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH)
                && ctx.request().headers().contains(HttpHeaders.CONTENT_TYPE);
    }

    private static void answer(RoutingContext ctx, Problem problem) {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(problem);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a problem body cannot be written", e);
        }
        ctx.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(io.vertx.core.buffer.Buffer.buffer(body));
    }
}
