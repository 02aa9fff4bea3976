package io.fhirpipe.ndjsonsplitter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirpipe.ndjsonsplitter.events.BlobCreatedConsumer;
import io.fhirpipe.runtime.failure.FailureClassifier;
import io.fhirpipe.runtime.failure.FailureKind;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * Event Grid push delivery. Answers the subscription-validation handshake of both schemas (Event
 * Grid schema: a {@code SubscriptionValidation} event answered with its code; CloudEvents schema:
 * the {@code OPTIONS} abuse-protection request answered with {@code WebHook-Allowed-Origin}) and
 * feeds notifications to the same path as broker deliveries. Status codes follow Event Grid's
 * retry policy: 200 done or ignored, 400 never retried (dead-lettered by Event Grid when it has a
 * dead-letter destination), 503 retried later.
 */
@Path("/events/blob-created")
public class EventGridWebhook {

    public static final String VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent";
    private static final Logger LOG = Logger.getLogger(EventGridWebhook.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    BlobCreatedConsumer consumer;

    @OPTIONS
    public Response abuseProtection(@HeaderParam("WebHook-Request-Origin") String origin) {
        if (origin == null || origin.isBlank()) {
            return Response.status(400).build();
        }
        return Response.ok().header("WebHook-Allowed-Origin", origin).header("Allow", "POST, OPTIONS").build();
    }

    @POST
    @Blocking
    public Response receive(@HeaderParam("aeg-event-type") String eventGridType, String body) {
        if (body == null || body.isBlank()) {
            return Response.status(400).entity(Map.of("error", "empty body")).type(MediaType.APPLICATION_JSON).build();
        }
        JsonNode validation = validationEvent(body);
        if (validation != null) {
            String code = validation.path("data").path("validationCode").asText(null);
            if (code == null) {
                return Response.status(400).entity(Map.of("error", "no validationCode"))
                        .type(MediaType.APPLICATION_JSON).build();
            }
            LOG.infof("answering Event Grid subscription validation for %s", validation.path("topic").asText("?"));
            return Response.ok(Map.of("validationResponse", code), MediaType.APPLICATION_JSON).build();
        }
        try {
            consumer.handle(body);
            return Response.ok().build();
        } catch (RuntimeException failure) {
            boolean transientFailure = FailureClassifier.classify(failure) == FailureKind.TRANSIENT;
            String reason = FailureClassifier.reason(failure);
            LOG.warnf("webhook delivery failed (%s): %s: %s", transientFailure ? "retry" : "permanent", reason,
                    failure.getMessage());
            return Response.status(transientFailure ? 503 : 400)
                    .entity(Map.of("error", reason, "description", String.valueOf(failure.getMessage())))
                    .type(MediaType.APPLICATION_JSON).build();
        }
    }

    private static JsonNode validationEvent(String body) {
        try {
            JsonNode tree = MAPPER.readTree(body);
            JsonNode first = tree != null && tree.isArray() && !tree.isEmpty() ? tree.get(0) : tree;
            if (first != null && first.isObject() && VALIDATION_EVENT.equals(first.path("eventType").asText())) {
                return first;
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }
}
