package io.fhirpipe.exporttrigger.deadletters;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.exporttrigger.api.Problem;
import io.fhirpipe.model.messages.MessageCodec;
import io.fhirpipe.model.messages.MessageSchemas;
import io.fhirpipe.model.messages.MessageType;
import io.fhirpipe.model.topology.Topology;
import io.fhirpipe.model.validation.FieldError;
import io.fhirpipe.model.validation.InvalidMessageException;
import io.fhirpipe.runtime.logging.LogValues;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * {@code /dead-letters}: what every subscription could not process, on Artemis or Service Bus alike.
 * List counts, peek, replay one message to the subscription it came from (optionally with an edited
 * body), purge. Request bodies are bounded like the rest of the admin API (RequestLimits).
 */
@Path("/dead-letters")
@Blocking
public class DeadLettersResource {

    private static final Logger LOG = Logger.getLogger(DeadLettersResource.class);
    static final int DEFAULT_PEEK = 20;
    static final int MAX_PEEK = 500;

    @Inject
    DeadLetters deadLetters;

    private final Topology topology = Topology.standard();

    /** One entry per subscription of the topology, zero counts included (the status page reads this). */
    @GET
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response counts() {
        return broker(() ->
                Response.ok(deadLetters.counts(), MediaType.APPLICATION_JSON).build());
    }

    /** The oldest {@code max} (default {@value #DEFAULT_PEEK}, at most {@value #MAX_PEEK}) dead letters, not removed. */
    @GET
    @Path("/{topic}/{subscription}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response peek(
            @PathParam("topic") String topic,
            @PathParam("subscription") String subscription,
            @QueryParam("max") String maxParam) {
        Optional<Response> unknown = unknown(topic, subscription);
        if (unknown.isPresent()) {
            return unknown.get();
        }
        int max;
        try {
            max = maxParam == null || maxParam.isBlank() ? DEFAULT_PEEK : Integer.parseInt(maxParam.strip());
        } catch (NumberFormatException e) {
            max = -1;
        }
        if (max < 1 || max > MAX_PEEK) {
            return new Problem(
                            "urn:fhirpipe:problem:invalid-query",
                            "Invalid query",
                            400,
                            "1 parameter(s) invalid",
                            null,
                            List.of(new FieldError("max", "must be a whole number from 1 to " + MAX_PEEK)))
                    .toResponse();
        }
        int wanted = max;
        return broker(() -> Response.ok(deadLetters.peek(topic, subscription, wanted), MediaType.APPLICATION_JSON)
                .build());
    }

    /**
     * Sends the dead letter {@code messageId} back to its subscription only, then removes it. An optional
     * body (a whole CloudEvent of a type the topic carries, checked against its schema) replaces the
     * message's own. The id is a query parameter: retry copies' ids hold a '/'.
     */
    @POST
    @Path("/{topic}/{subscription}/replay")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response replay(
            @PathParam("topic") String topic,
            @PathParam("subscription") String subscription,
            @QueryParam("messageId") String messageId,
            @Context HttpHeaders headers,
            String body) {
        String edited = body == null || body.isBlank() ? null : body;
        // Checked here rather than by @Consumes, which would refuse the request without a body (no edit).
        if (edited != null
                && (headers.getMediaType() == null
                        || !headers.getMediaType().isCompatible(MediaType.APPLICATION_JSON_TYPE))) {
            throw new NotSupportedException(); // the usual 415 problem (api.ProblemMappers)
        }
        Optional<Response> unknown = unknown(topic, subscription);
        if (unknown.isPresent()) {
            return unknown.get();
        }
        if (messageId == null || messageId.isBlank()) {
            return new Problem(
                            "urn:fhirpipe:problem:invalid-query",
                            "Invalid query",
                            400,
                            "1 parameter(s) invalid",
                            null,
                            List.of(new FieldError(
                                    "messageId",
                                    "is required (the messageId of a dead letter, see GET /dead-letters/" + topic + "/"
                                            + subscription + ")")))
                    .toResponse();
        }
        if (edited != null) {
            List<FieldError> errors = checkEdited(topic, edited);
            if (!errors.isEmpty()) {
                return new Problem(
                                "urn:fhirpipe:problem:invalid-message",
                                "Invalid message",
                                400,
                                "the edited body is not a valid message for topic '" + topic + "'",
                                null,
                                errors)
                        .toResponse();
            }
        }
        return broker(() -> deadLetters
                .replay(topic, subscription, messageId, edited)
                .map(replayed -> {
                    LOG.infof(
                            "dead letter %s of %s/%s replayed as %s%s",
                            LogValues.escaped(messageId),
                            topic,
                            subscription,
                            LogValues.escaped(replayed.replayedAs()),
                            replayed.edited() ? " (edited)" : "");
                    return Response.ok(replayed, MediaType.APPLICATION_JSON).build();
                })
                .orElseGet(() -> Problem.of(
                                "dead-letter-not-found",
                                "Dead letter not found",
                                404,
                                "subscription '" + subscription + "' of topic '" + topic
                                        + "' has no dead letter with messageId '" + LogValues.escaped(messageId) + "'")
                        .toResponse()));
    }

    /** Removes every dead letter of the subscription; answers how many. */
    @DELETE
    @Path("/{topic}/{subscription}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response purge(@PathParam("topic") String topic, @PathParam("subscription") String subscription) {
        Optional<Response> unknown = unknown(topic, subscription);
        if (unknown.isPresent()) {
            return unknown.get();
        }
        return broker(() -> {
            int purged = deadLetters.purge(topic, subscription);
            LOG.infof("purged %d dead letter(s) of %s/%s", purged, topic, subscription);
            return Response.ok(new Purged(topic, subscription, purged), MediaType.APPLICATION_JSON)
                    .build();
        });
    }

    public record Purged(String topic, String subscription, int purged) {}

    private Optional<Response> unknown(String topic, String subscription) {
        try {
            topology.subscription(topic, subscription);
            return Optional.empty();
        } catch (NoSuchElementException e) {
            return Optional.of(Problem.of(
                            "subscription-not-found",
                            "Subscription not found",
                            404,
                            "the topology has no subscription '" + LogValues.escaped(subscription) + "' of topic '"
                                    + LogValues.escaped(topic) + "' (GET /dead-letters lists them)")
                    .toResponse());
        }
    }

    /** An edited body must be a message this topic carries, valid against its JSON Schema. */
    static List<FieldError> checkEdited(String topic, String body) {
        JsonNode tree;
        try {
            tree = MessageCodec.parse(body);
        } catch (InvalidMessageException e) {
            return e.errors();
        }
        JsonNode type = tree.get("type");
        Optional<MessageType> messageType =
                type == null || !type.isTextual() ? Optional.empty() : MessageType.fromCloudEventType(type.asText());
        if (messageType.isEmpty() || !messageType.get().topic().equals(topic)) {
            List<String> carried = new ArrayList<>();
            for (MessageType t : MessageType.values()) {
                if (t.topic().equals(topic)) {
                    carried.add(t.cloudEventType());
                }
            }
            return List.of(new FieldError("type", "must be a type topic '" + topic + "' carries: " + carried));
        }
        return MessageSchemas.validate(messageType.get(), tree);
    }

    private static Response broker(Supplier<Response> call) {
        try {
            return call.get();
        } catch (BrokerUnavailableException | com.azure.core.exception.AzureException e) {
            LOG.warnf("dead letters: the broker could not be used: %s", LogValues.escaped(e.getMessage()));
            return Problem.of(
                            "broker-unavailable",
                            "Message broker unavailable",
                            503,
                            "the message broker could not be reached; try again")
                    .toResponse();
        }
    }
}
