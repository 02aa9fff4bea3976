package io.fhirpipe.exporttrigger.api;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.model.messages.Json;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Refuses what the admin API never needs before any of it is read: a body over
 * {@code fhirpipe.api.max-body-size} (413), a body without a Content-Length (411, so the size is
 * known up front: a chunked HTTP/1.1 body),
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
                answer(
                        ctx,
                        Problem.of(
                                "payload-too-large",
                                "Payload too large",
                                413,
                                "the request body is larger than " + max + " bytes"));
                return;
            }
        } else if (ctx.request().version() != HttpVersion.HTTP_2
                && ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // A chunked HTTP/1.1 body: its size would only show while reading it.
            answer(ctx, ProblemMappers.forStatus(411));
            return;
        }
        // HTTP/2 frames a body without any length header (the JDK's client sends an empty POST that
        // way), so such a request goes on; Quarkus' own max-body-size, set to the same size, stops a
        // body that grows past it while it is read (413, see ProblemMappers).
        ctx.next();
    }

    private static void answer(RoutingContext ctx, Problem problem) {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(problem);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a problem body cannot be written", e);
        }
        ctx.response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(io.vertx.core.buffer.Buffer.buffer(body));
    }
}
