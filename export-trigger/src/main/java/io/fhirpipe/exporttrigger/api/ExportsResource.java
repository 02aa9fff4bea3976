package io.fhirpipe.exporttrigger.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.exporttrigger.kickoff.ExportStarter;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.model.validation.ExportRequestValidator;
import io.fhirpipe.model.validation.FieldError;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** {@code /exports}: request an export; read a run's record. */
@Path("/exports")
@Blocking
public class ExportsResource {

    @Inject
    ExportRequestValidator validator;

    @Inject
    ExportRunStore runs;

    @Inject
    ExportStarter starter;

    @Inject
    Clock clock;

    /**
     * Validates the request, records the run and publishes {@code export.requested}; the kick-off
     * happens asynchronously. Answers 202 with the export id, or 400 listing every bad field.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response request(String body, @Context UriInfo uri) {
        JsonNode tree;
        try {
            tree = body == null || body.isBlank() ? null : Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            return Problem.invalidRequest(List.of(new FieldError("(body)", "is not JSON: " + e.getOriginalMessage())))
                    .toResponse();
        }
        if (tree == null) {
            return Problem.invalidRequest(List.of(new FieldError("(body)", "is empty; expected a JSON export request")))
                    .toResponse();
        }
        List<FieldError> errors = validator.validate(tree);
        if (tree.isObject()) {
            for (String internal : List.of("requestedAt", "origin")) {
                if (tree.has(internal)) {
                    errors = new java.util.ArrayList<>(errors);
                    errors.add(new FieldError(internal, "is set by fhirpipe, not by the request"));
                }
            }
        }
        if (!errors.isEmpty()) {
            return Problem.invalidRequest(errors).toResponse();
        }
        Instant now = clock.instant();
        ObjectNode fields = ((ObjectNode) tree).deepCopy();
        if (!fields.hasNonNull("exportId")) {
            fields.put("exportId", Ids.newExportId());
        }
        fields.put("requestedAt", now.toString()).put("origin", "api");
        ExportRequested request = Json.mapper().convertValue(fields, ExportRequested.class);

        switch (starter.start(request, now)) {
            case ALREADY_EXISTS -> {
                return Problem.of("export-exists", "Export already exists", 409, "an export with id "
                        + request.exportId() + " exists already; choose another exportId or omit it").toResponse();
            }
            case BROKER_UNAVAILABLE -> {
                return Problem.of("broker-unavailable", "Message broker unavailable", 503,
                        "the export was not started; try again").toResponse();
            }
            case STARTED -> {
                // answered below
            }
        }
        String location = "/exports/" + request.exportId();
        return Response.accepted(new ExportRequestView(request.exportId(), "requested", location))
                .location(uri.getBaseUriBuilder().path(location).build())
                .type(MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/{exportId}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response run(@PathParam("exportId") String exportId) {
        if (!Ids.isSafe(exportId)) {
            return Problem.of("invalid-export-id", "Invalid export id", 400, "'" + exportId
                    + "' is not an export id").toResponse();
        }
        return runs.find(exportId).map(run -> Response.ok(run, MediaType.APPLICATION_JSON).build())
                .orElseGet(() -> Problem.of("export-not-found", "Export not found", 404, "no export with id "
                        + exportId).toResponse());
    }
}
