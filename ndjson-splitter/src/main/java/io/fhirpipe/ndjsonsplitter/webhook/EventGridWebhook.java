package io.fhirpipe.ndjsonsplitter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.ndjsonsplitter.events.BlobCreatedConsumer;
import io.fhirpipe.ndjsonsplitter.events.BlobCreatedEvents;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.FailureKind;
import io.fhirpipe.runtime.logging.LogValues;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Event Grid push delivery. Answers the subscription-validation handshake of both schemas (Event
 * Grid schema: a {@code SubscriptionValidation} event answered with its code; CloudEvents schema:
 * the {@code OPTIONS} abuse-protection request answered with {@code WebHook-Allowed-Origin}) and
 * feeds notifications to the same path as broker deliveries. Status codes follow Event Grid's
 * retry policy: 200 done or ignored, 400 and 413 never retried (dead-lettered by Event Grid when it
 * has a dead-letter destination), 503 retried later. Errors are {@code application/problem+json}.
 *
 * <p>Event Grid sends one event per request unless the subscription batches, and a batch is at most
 * its {@code maxEventsPerBatch} events and about its preferred size (at most 1,024 KB). A body over
 * {@code fhirpipe.splitter.webhook.max-body-bytes} is refused with 413 before it is parsed, and more
 * events than {@code fhirpipe.splitter.events.max-per-message} with 413 before any is acted on: a
 * subscription that batches must stay within both.
 */
@Path("/events/blob-created")
public class EventGridWebhook {

    public static final String VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent";
    static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(EventGridWebhook.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    BlobCreatedConsumer consumer;

    @Inject
    WebhookLimits limits;

    @OPTIONS
    public Response abuseProtection(@HeaderParam("WebHook-Request-Origin") String origin) {
        if (origin == null || origin.isBlank()) {
            return problem(400, "missing-origin", "No WebHook-Request-Origin",
                    "the abuse-protection handshake needs a WebHook-Request-Origin header", null);
        }
        return Response.ok().header("WebHook-Allowed-Origin", origin).header("Allow", "POST, OPTIONS").build();
    }

    @POST
    @Blocking
    public Response receive(@HeaderParam("Content-Length") Long contentLength, InputStream in) {
        int maxBodyBytes = limits.maxBodyBytes();
        if (contentLength != null && contentLength > maxBodyBytes) {
            return tooLarge(contentLength + " bytes");
        }
        String body;
        try {
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                return tooLarge("more than " + maxBodyBytes + " bytes");
            }
            body = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return problem(400, "unreadable-body", "Unreadable body", "the request body could not be read", null);
        }
        if (body.isBlank()) {
            return problem(400, "empty-body", "Empty body", "the request has no events", null);
        }
        JsonNode validation = validationEvent(body);
        if (validation != null) {
            String code = validation.path("data").path("validationCode").asText(null);
            if (code == null) {
                return problem(400, "no-validation-code", "No validation code",
                        "the SubscriptionValidation event has no data.validationCode", null);
            }
            LOG.infof("answering Event Grid subscription validation for %s",
                    LogValues.quoted(validation.path("topic").asText("?")));
            return Response.ok(Map.of("validationResponse", code), MediaType.APPLICATION_JSON).build();
        }
        try {
            consumer.handle(body);
            return Response.ok().build();
        } catch (RuntimeException failure) {
            boolean transientFailure = FailureClassifier.classify(failure) == FailureKind.TRANSIENT;
            String reason = FailureClassifier.reason(failure);
            String description = LogValues.escaped(failure.getMessage());
            LOG.warnf("webhook delivery failed (%s): %s: %s", transientFailure ? "retry" : "permanent",
                    LogValues.escaped(reason), description);
            if (transientFailure) {
                return problem(503, "try-later", "Try again later", description, reason);
            }
            if (BlobCreatedEvents.TOO_MANY_EVENTS.equals(reason)) {
                return problem(413, "too-many-events", "Too many events", description, reason);
            }
            return problem(400, "refused-event", "Event refused", description, reason);
        }
    }

    private Response tooLarge(String size) {
        int maxBodyBytes = limits.maxBodyBytes();
        LOG.warnf("webhook delivery refused: a body of %s, at most %d bytes are taken", size, maxBodyBytes);
        return problem(413, "body-too-large", "Body too large", "the body holds " + size + "; at most "
                + maxBodyBytes + " bytes are taken in one request", null);
    }

    private static Response problem(int status, String type, String title, String detail, String reason) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:fhirpipe:problem:" + type);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        if (reason != null) {
            problem.put("reason", reason);
        }
        String json;
        try {
            json = MAPPER.writeValueAsString(problem);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a problem document of strings and a number cannot be written", e);
        }
        return Response.status(status).entity(json).type(PROBLEM_JSON).build();
    }

    private static JsonNode validationEvent(String body) {
        try {
            JsonNode tree = MAPPER.readTree(body);
            JsonNode first = tree != null && tree.isArray() && !tree.isEmpty() ? tree.get(0) : tree;
            if (first != null && first.isObject() && VALIDATION_EVENT.equals(first.path("eventType").asText())) {
                return first;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
