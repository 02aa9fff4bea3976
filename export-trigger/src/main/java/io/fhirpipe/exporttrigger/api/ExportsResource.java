package io.fhirpipe.exporttrigger.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.exporttrigger.cancel.ExportCanceller;
import io.fhirpipe.exporttrigger.kickoff.ExportStarter;
import io.fhirpipe.exporttrigger.state.LandedFiles;
import io.fhirpipe.exporttrigger.tracking.ExportProgressStore;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.ids.Ids;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.model.validation.ExportRequestValidator;
import io.fhirpipe.model.validation.FieldError;
import io.fhirpipe.runtime.state.ExportRun;
import io.fhirpipe.runtime.state.ExportRunStatus;
import io.fhirpipe.runtime.state.ExportRunStore;
import io.fhirpipe.runtime.state.PollStateStore;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
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
    ExportProgressStore progress;

    @Inject
    ExportCanceller canceller;

    @Inject
    LandedFiles landed;

    @Inject
    PollStateStore polls;

    @Inject
    Clock clock;

    /**
     * Validates the request, records the run and publishes {@code export.requested}; the kick-off
     * happens asynchronously. Answers 202 with the export id, or 400 listing every bad field.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
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
                return Problem.of(
                                "export-exists",
                                "Export already exists",
                                409,
                                "an export with id " + request.exportId()
                                        + " exists already; choose another exportId or omit it")
                        .toResponse();
            }
            case BROKER_UNAVAILABLE -> {
                return Problem.of(
                                "broker-unavailable",
                                "Message broker unavailable",
                                503,
                                "the export was not started; try again")
                        .toResponse();
            }
            case STARTED -> {
                // answered below
            }
        }
        String location = "/exports/" + request.exportId();
        return Response.accepted(new ExportRequestView(request.exportId(), "requested", location))
                .location(uri.getBaseUriBuilder().path(location).build())
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    /** Runs, newest first, optionally only of one status and/or job; {@code page} counts from 0. */
    @GET
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response list(
            @QueryParam("status") String status,
            @QueryParam("job") String job,
            @QueryParam("page") String pageParam,
            @QueryParam("size") String sizeParam) {
        List<FieldError> errors = new java.util.ArrayList<>();
        ExportRunStatus wanted = null;
        if (status != null && !status.isBlank()) {
            try {
                wanted = ExportRunStatus.valueOf(status.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(
                        "status",
                        "must be one of "
                                + java.util.Arrays.toString(ExportRunStatus.values())
                                        .toLowerCase(java.util.Locale.ROOT)));
            }
        }
        // Parsed here rather than by JAX-RS, which answers a parameter it cannot convert with an empty 404.
        int page = whole(pageParam, 0, 0, MAX_PAGE, "page", errors);
        int size = whole(sizeParam, 20, 1, 200, "size", errors);
        if (!errors.isEmpty()) {
            return new Problem(
                            "urn:fhirpipe:problem:invalid-query",
                            "Invalid query",
                            400,
                            errors.size() + " parameter(s) invalid",
                            null,
                            errors)
                    .toResponse();
        }
        ExportRunStatus filter = wanted;
        List<ExportRun> matching = runs.all().stream()
                .filter(r -> filter == null || r.status() == filter)
                .filter(r -> job == null || job.isBlank() || job.equals(r.job()))
                .sorted(java.util.Comparator.comparing(ExportRun::createdAt)
                        .reversed()
                        .thenComparing(ExportRun::exportId))
                .toList();
        int from = (int) Math.min((long) page * size, matching.size());
        int to = Math.min(from + size, matching.size());
        String next = null;
        if (to < matching.size()) {
            next = "/exports?page=" + (page + 1) + "&size=" + size
                    + (filter == null ? "" : "&status=" + filter.name().toLowerCase(java.util.Locale.ROOT))
                    + (job == null || job.isBlank()
                            ? ""
                            : "&job=" + java.net.URLEncoder.encode(job, java.nio.charset.StandardCharsets.UTF_8));
        }
        return Response.ok(
                        new ExportPage(
                                matching.subList(from, to).stream()
                                        .map(ExportSummary::of)
                                        .toList(),
                                page,
                                size,
                                matching.size(),
                                next),
                        MediaType.APPLICATION_JSON)
                .build();
    }

    /** The run, its timings and, once the server has finished, per-type files, chunks, rows and errors. */
    @GET
    @Path("/{exportId}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response run(@PathParam("exportId") String exportId) {
        if (!Ids.isSafe(exportId)) {
            return invalidId(exportId);
        }
        return runs.find(exportId)
                .map(run -> Response.ok(view(run), MediaType.APPLICATION_JSON).build())
                .orElseGet(() -> notFound(exportId));
    }

    /** Cancels at the FHIR server (DELETE on the status URL) and stops the export from being tracked further. */
    @DELETE
    @Path("/{exportId}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response cancel(@PathParam("exportId") String exportId) {
        if (!Ids.isSafe(exportId)) {
            return invalidId(exportId);
        }
        ExportCanceller.Outcome outcome = canceller.cancel(exportId);
        if (outcome instanceof ExportCanceller.Outcome.Cancelled cancelled) {
            return Response.accepted(view(cancelled.run()))
                    .type(MediaType.APPLICATION_JSON)
                    .build();
        }
        if (outcome instanceof ExportCanceller.Outcome.AlreadyFinal done) {
            return Problem.of(
                            "export-finished",
                            "Export already finished",
                            409,
                            "export " + exportId + " is " + done.status().name().toLowerCase(java.util.Locale.ROOT)
                                    + "; there is nothing to cancel")
                    .toResponse();
        }
        return notFound(exportId);
    }

    private ExportStatusView view(ExportRun run) {
        return ExportStatusView.of(
                run, progress.find(run.exportId()), landed.of(run.exportId()), polls.find(run.exportId()));
    }

    /** Pages beyond this hold nothing for any real deployment; the bound keeps page * size in an int. */
    private static final int MAX_PAGE = 1_000_000;

    private static int whole(String value, int absent, int min, int max, String field, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(field, "must be a whole number between " + min + " and " + max));
        return absent;
    }

    private static Response invalidId(String exportId) {
        return Problem.of("invalid-export-id", "Invalid export id", 400, "'" + exportId + "' is not an export id")
                .toResponse();
    }

    private static Response notFound(String exportId) {
        return Problem.of("export-not-found", "Export not found", 404, "no export with id " + exportId)
                .toResponse();
    }
}
