package io.fhirpipe.ndjsonsplitter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.ndjsonsplitter.events.BlobCreatedAction;
import io.fhirpipe.ndjsonsplitter.events.BlobCreatedEvents;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.FailureKind;
import io.fhirpipe.runtime.logging.LogValues;
import io.fhirpipe.runtime.messaging.BrokerConfirmation;
import io.fhirpipe.runtime.messaging.RawEventPublisher;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Event Grid push delivery. Answers the subscription-validation handshake of both schemas (Event
 * Grid schema: a {@code SubscriptionValidation} event answered with its code; CloudEvents schema:
 * the {@code OPTIONS} abuse-protection request answered with {@code WebHook-Allowed-Origin}).
 *
 * <p>A notification is checked (size, schema, event count, URLs) and each BlobCreated of a landing
 * NDJSON file is put onto the {@code blob-created} topic, one event per message as Event Grid's
 * Service Bus delivery does; the request is answered 202 as soon as the broker has them. The split
 * itself is the topic consumer's, with its retries, dead-lettering and duplicate handling: splitting
 * here took longer than Event Grid's 30 s, which then sent the request again. Events of other types
 * or outside the landing container are dropped.
 *
 * <p>Status codes follow Event Grid's retry policy: 200/202 done or ignored; 400, 401, 403 and 413
 * never retried (dead-lettered by Event Grid when it has a dead-letter destination); 503 (and a 500
 * while Entra's keys cannot be fetched) retried later.
 * Errors are {@code application/problem+json}. A body over {@code fhirpipe.splitter.webhook.max-body-bytes}
 * is refused with 413 before it is parsed, and more events than
 * {@code fhirpipe.splitter.events.max-per-message} with 413 before any is acted on: a subscription
 * that batches must stay within both. Who may call is {@link WebhookAccess}'s.
 */
@Path("/events/blob-created")
public class EventGridWebhook {

    public static final String VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent";
    static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(EventGridWebhook.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    BlobCreatedEvents events;

    @Inject
    RawEventPublisher topic;

    @Inject
    WebhookConfig config;

    @Inject
    WebhookAccess access;

    @OPTIONS
    public Response abuseProtection(@HeaderParam("WebHook-Request-Origin") String origin) {
        Response refused = access.refuse(false);
        if (refused != null) {
            return refused;
        }
        if (origin == null || origin.isBlank()) {
            return problem(
                    400,
                    "missing-origin",
                    "No WebHook-Request-Origin",
                    "the abuse-protection handshake needs a WebHook-Request-Origin header",
                    null);
        }
        return Response.ok()
                .header("WebHook-Allowed-Origin", origin)
                .header("Allow", "POST, OPTIONS")
                .build();
    }

    @POST
    @Blocking
    public Response receive(@HeaderParam("Content-Length") Long contentLength, InputStream in) {
        Response refused = access.refuse(true);
        if (refused != null) {
            return refused;
        }
        int maxBodyBytes = config.maxBodyBytes();
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
                return problem(
                        400,
                        "no-validation-code",
                        "No validation code",
                        "the SubscriptionValidation event has no data.validationCode",
                        null);
            }
            LOG.infof(
                    "answering Event Grid subscription validation for %s",
                    LogValues.quoted(validation.path("topic").asText("?")));
            return Response.ok(Map.of("validationResponse", code), MediaType.APPLICATION_JSON)
                    .build();
        }
        try {
            int forwarded = forward(events.events(body));
            return Response.accepted(Map.of("forwarded", forwarded))
                    .type(MediaType.APPLICATION_JSON)
                    .build();
        } catch (RuntimeException failure) {
            boolean transientFailure = FailureClassifier.classify(failure) == FailureKind.TRANSIENT;
            String reason = FailureClassifier.reason(failure);
            String description = LogValues.escaped(failure.getMessage());
            LOG.warnf(
                    "webhook delivery failed (%s): %s: %s",
                    transientFailure ? "retry" : "permanent", LogValues.escaped(reason), description);
            if (transientFailure) {
                return problem(503, "try-later", "Try again later", description, reason);
            }
            if (BlobCreatedEvents.TOO_MANY_EVENTS.equals(reason)) {
                return problem(413, "too-many-events", "Too many events", description, reason);
            }
            return problem(400, "refused-event", "Event refused", description, reason);
        }
    }

    /**
     * Puts the events to split onto the topic and waits until the broker has all of them, so a 202 is
     * never given for an event that could still be lost; if the broker does not take one in time the
     * answer is 503 and Event Grid sends the batch again (an event already taken is then a duplicate
     * with the same message id: the broker's duplicate detection, or an idempotent split, absorbs it).
     *
     * @return how many events went onto the topic
     */
    private int forward(List<BlobCreatedEvents.StorageEvent> batch) {
        Map<String, CompletionStage<Void>> sent = new LinkedHashMap<>();
        for (BlobCreatedEvents.StorageEvent event : batch) {
            if (event.action() instanceof BlobCreatedAction.Split split) {
                // the same event named twice in one batch goes onto the topic once
                sent.computeIfAbsent(
                        event.id(),
                        id -> topic.publish(
                                event.json(),
                                event.id(),
                                BlobCreatedEvents.BLOB_CREATED,
                                split.blob().exportId(),
                                split.blob().resourceType()));
            } else if (event.action() instanceof BlobCreatedAction.Ignore ignore) {
                LOG.debugf("ignoring pushed storage event: %s", ignore.why());
            }
        }
        long deadline = System.nanoTime() + config.publishTimeout().toNanos();
        for (Map.Entry<String, CompletionStage<Void>> publication : sent.entrySet()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            BrokerConfirmation.await(
                    publication.getValue(), left, "BlobCreated event " + LogValues.quoted(publication.getKey()));
        }
        return sent.size();
    }

    private Response tooLarge(String size) {
        int maxBodyBytes = config.maxBodyBytes();
        LOG.warnf("webhook delivery refused: a body of %s, at most %d bytes are taken", size, maxBodyBytes);
        return problem(
                413,
                "body-too-large",
                "Body too large",
                "the body holds " + size + "; at most " + maxBodyBytes + " bytes are taken in one request",
                null);
    }

    static Response problem(int status, String type, String title, String detail, String reason) {
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
            if (first != null
                    && first.isObject()
                    && VALIDATION_EVENT.equals(first.path("eventType").asText())) {
                return first;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
